using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ReleaseRadar.Api.Manifests;

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
            var what =
                inner.StartsWith("Duplicate key", StringComparison.Ordinal) || e.InnerException is ArgumentException
                    ? $"duplicate key{inner["Duplicate key".Length..].TrimEnd('.')} (one of its values would be silently lost)"
                    : inner;
            throw new YamlJsonException($"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {what}", e.Start.Line, e.Start.Column);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // YamlDotNet's scanner can fail this way on some malformed input (seen: an unclosed '[' before a plain scalar
            // in a block mapping); it is still the input's fault, and must read as such.
            throw new YamlJsonException(
                $"not valid YAML: the YAML reader could not make sense of it ({e.GetType().Name}); check brackets, quotes and indentation",
                0,
                0
            );
        }
        return
        [
            .. stream.Documents.Select(d =>
            {
                var walk = new Walk();
                return new YamlJsonDocument(Convert(d.RootNode, "", walk), walk.Lines);
            }),
        ];
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>Deeper than any manifest needs, and within System.Text.Json's default depth of 64.</summary>
    public const int MaxDepth = 48;

    /// <summary>
    /// Values in one document once aliases are expanded. A few aliases to aliases make a billion values from a few
    /// hundred bytes ("billion laughs"); a real manifest has a few hundred.
    /// </summary>
    public const int MaxValues = 100_000;

    private sealed class Walk
    {
        public Dictionary<string, long> Lines { get; } = new(StringComparer.Ordinal);
        public int Values { get; set; }
    }

    private static JsonNode? Convert(YamlNode node, string path, Walk walk, int depth = 0)
    {
        if (depth > MaxDepth)
            throw new YamlJsonException($"nested more than {MaxDepth} levels deep at line {node.Start.Line}", node.Start.Line, node.Start.Column);
        if (++walk.Values > MaxValues)
            throw new YamlJsonException(
                $"more than {MaxValues.ToString("N0", CultureInfo.InvariantCulture)} values once aliases are expanded (at line "
                    + $"{node.Start.Line}); refusing an alias bomb",
                node.Start.Line,
                node.Start.Column
            );
        return Node(node, path, walk, depth);
    }

    private static JsonNode? Node(YamlNode node, string path, Walk walk, int depth) =>
        node switch
        {
            YamlMappingNode map => Map(map, path, walk, depth),
            YamlSequenceNode seq => new JsonArray([.. seq.Children.Select((c, i) => Convert(c, $"{path}[{i}]", walk, depth + 1))]),
            YamlScalarNode s => Scalar(s),
            _ => throw new YamlJsonException($"unsupported YAML node (an alias?) at line {node.Start.Line}", node.Start.Line, node.Start.Column),
        };

    private static JsonObject Map(YamlMappingNode map, string path, Walk walk, int depth)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            var key =
                (k as YamlScalarNode)?.Value
                ?? throw new YamlJsonException($"a mapping key at line {k.Start.Line} is not a string", k.Start.Line, k.Start.Column);
            if (o.ContainsKey(key))
                throw new YamlJsonException(
                    $"duplicate key \"{key}\" at line {k.Start.Line}: the first value would be silently lost",
                    k.Start.Line,
                    k.Start.Column
                );
            var child = path.Length == 0 ? key : $"{path}.{key}";
            walk.Lines[child] = k.Start.Line;
            o[key] = Convert(v, child, walk, depth + 1);
        }
        return o;
    }

    private static JsonValue? Scalar(YamlScalarNode s)
    {
        var v = s.Value ?? "";
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(v);
        if (!s.Tag.IsEmpty && !s.Tag.IsNonSpecific && s.Tag.Value == "tag:yaml.org,2002:str")
            return JsonValue.Create(v);
        if (v is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (v is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (IntPattern().IsMatch(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (FloatPattern().IsMatch(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            return JsonValue.Create(d);
        return JsonValue.Create(v); // .nan and .inf stay text: JSON has no such numbers, and the reader refuses them by name
    }

    [GeneratedRegex(@"^[-+]?[0-9]+\z")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex FloatPattern();
}
