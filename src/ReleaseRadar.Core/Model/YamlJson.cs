using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ReleaseRadar.Core.Model;

/// <summary>A YAML (or JSON) text that cannot be read, with where.</summary>
public sealed class YamlJsonException(string message, long line, long column) : Exception(message)
{
    public long Line { get; } = line;
    public long Column { get; } = column;
}

/// <summary>One document as JSON, and the line of every key in it (by dotted path, e.g. spec.analysis.window).</summary>
public sealed record YamlJsonDocument(JsonNode? Root, IReadOnlyDictionary<string, long> Lines);

/// <summary>
/// YAML as JSON, the way the Kubernetes API server reads manifests: plain scalars follow the YAML 1.2 core schema
/// (numbers, booleans, null), quoted ones stay strings, and a duplicate key is an error rather than "last wins".
/// JSON is YAML, so it reads JSON too.
/// </summary>
public static partial class YamlJson
{
    public static JsonNode? Parse(string yaml) => ReadAll(yaml).FirstOrDefault()?.Root;

    public static List<JsonNode?> ParseAll(string yaml) => [.. ReadAll(yaml).Select(d => d.Root)];

    public static List<YamlJsonDocument> ReadAll(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var inner = Innermost(e).Message;
            var what = inner.StartsWith("Duplicate key", StringComparison.Ordinal) || e.InnerException is ArgumentException
                ? $"duplicate key{inner["Duplicate key".Length..].TrimEnd('.')} (one of its values would be silently lost)"
                : inner;
            throw new YamlJsonException($"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {what}", e.Start.Line, e.Start.Column);
        }
        return [.. stream.Documents.Select(d =>
        {
            var lines = new Dictionary<string, long>(StringComparer.Ordinal);
            return new YamlJsonDocument(Convert(d.RootNode, "", lines), lines);
        })];
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    private static JsonNode? Convert(YamlNode node, string path, Dictionary<string, long> lines) => node switch
    {
        YamlMappingNode map => Map(map, path, lines),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select((c, i) => Convert(c, $"{path}[{i}]", lines))]),
        YamlScalarNode s => Scalar(s),
        _ => throw new YamlJsonException($"unsupported YAML node (an alias?) at line {node.Start.Line}", node.Start.Line, node.Start.Column),
    };

    private static JsonObject Map(YamlMappingNode map, string path, Dictionary<string, long> lines)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value
                ?? throw new YamlJsonException($"a mapping key at line {k.Start.Line} is not a string", k.Start.Line, k.Start.Column);
            if (o.ContainsKey(key))
                throw new YamlJsonException($"duplicate key \"{key}\" at line {k.Start.Line}: the first value would be silently lost", k.Start.Line, k.Start.Column);
            var child = path.Length == 0 ? key : $"{path}.{key}";
            lines[child] = k.Start.Line;
            o[key] = Convert(v, child, lines);
        }
        return o;
    }

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded) return JsonValue.Create(v);
        if (!s.Tag.IsEmpty && !s.Tag.IsNonSpecific && s.Tag.Value == "tag:yaml.org,2002:str") return JsonValue.Create(v);
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (IntPattern().IsMatch(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (FloatPattern().IsMatch(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) return JsonValue.Create(d);
        return JsonValue.Create(v); // .nan and .inf stay text: JSON has no such numbers, and the reader refuses them by name
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
