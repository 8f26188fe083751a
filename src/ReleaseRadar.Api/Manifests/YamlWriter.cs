using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ReleaseRadar.Api.Manifests;

/// <summary>
/// JSON written as YAML through YamlDotNet's emitter (events, no reflection, so the native build keeps it): what
/// `-o yaml` prints. A string that would read back as a number, a boolean or null is quoted, so <see cref="YamlJson"/>
/// (and the API server) read back exactly the JSON written.
/// </summary>
public static partial class YamlWriter
{
    public static string Write(JsonNode? node)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(text);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
                foreach (var (key, value) in o)
                {
                    String(emitter, key);
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray a:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Block));
                foreach (var item in a)
                    Emit(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                String(emitter, v.GetValue<string>());
                break;
            case JsonValue v:
                // Numbers and booleans as JSON writes them, which YAML's core schema reads the same.
                emitter.Emit(new Scalar(null, null, v.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            default:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    private static void String(IEmitter emitter, string s)
    {
        var style = s.Length == 0 || NotAString().IsMatch(s) ? ScalarStyle.DoubleQuoted : ScalarStyle.Plain;
        // Where plain is not allowed (a colon and space, a leading '-', …) the emitter quotes on its own.
        emitter.Emit(new Scalar(null, null, s, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    /// <summary>Plain scalars YAML 1.2's core schema reads as null, a boolean or a number (and 1.1's yes/no/on/off, for older readers).</summary>
    [GeneratedRegex(
        @"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N"
            + @"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$"
    )]
    private static partial Regex NotAString();
}
