using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using k8s;
using ReleaseRadar.Analysis.Spec;

namespace ReleaseRadar.Api.Manifests;

/// <summary>
/// Reads Release manifests (YAML or JSON, one or several documents) as strictly as a real API server under kubectl's
/// default field validation: a duplicate key, an unknown field or a value of the wrong type is an error naming the field
/// and its line, never a silent "last wins" or a dropped setting.
/// </summary>
public static partial class ManifestReader
{
    /// <summary>KubernetesClient's serializer options (its converters), with unknown members refused.</summary>
    public static JsonSerializerOptions Strict { get; } = StrictOptions();

    private static readonly JsonTypeInfo<Release> ReleaseType = (JsonTypeInfo<Release>)Strict.GetTypeInfo(typeof(Release));

    private static JsonSerializerOptions StrictOptions()
    {
        JsonSerializerOptions? shared = null;
        KubernetesJson.AddJsonOptions(o => shared = o); // only reads KubernetesClient's options (its converters)
        return new JsonSerializerOptions(shared!) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
    }

    public static IReadOnlyList<Release> ReadReleases(string text, string source = "manifest")
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new ManifestException($"{source}: the file is empty");
        var documents = Documents(text, source);
        var releases = new List<Release>();
        var count = documents.Count(d => d.Root is not null);
        var index = 0;
        foreach (var doc in documents)
        {
            if (doc.Root is null)
                continue; // an empty document between two "---"
            index++;
            var where = count > 1 ? $"{source} (document {index})" : source;
            if (doc.Root is not JsonObject root)
                throw new ManifestException($"{where}: is not a mapping (a Kubernetes object)");
            var kind = root["kind"] is JsonValue k && k.TryGetValue<string>(out var ks) ? ks : null;
            if (string.IsNullOrEmpty(kind))
                throw new ManifestException($"{where}: has no 'kind'; expected kind: {Release.KindName}");
            if (kind != Release.KindName)
                continue; // other kinds in the same file (a Deployment next to its Release) are fine
            var apiVersion = root["apiVersion"] is JsonValue a && a.TryGetValue<string>(out var av) ? av : null;
            if (apiVersion != Release.ApiVersionValue)
                throw new ManifestException($"{where}: apiVersion '{apiVersion}' is not {Release.ApiVersionValue}");
            Release release;
            try
            {
                release = root.Deserialize(ReleaseType) ?? throw new ManifestException($"{where}: is empty");
            }
            catch (JsonException e)
            {
                throw new ManifestException($"{where}: {Explain(e, doc, ReleaseType)}", e);
            }
            release.Spec ??= new ReleaseSpec();
            releases.Add(release);
        }
        if (releases.Count == 0)
            throw new ManifestException($"{source}: contains no Release (kind: Release, apiVersion: {Release.ApiVersionValue})");
        return releases;
    }

    /// <summary>A single document of another shape (the defaults file), read with the same strictness.</summary>
    public static T? ReadStrict<T>(string text, string source)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var documents = Documents(text, source);
        if (documents.Count != 1)
            throw new ManifestException($"{source}: holds {documents.Count} documents; expected one");
        var type = (JsonTypeInfo<T>)Strict.GetTypeInfo(typeof(T));
        try
        {
            return documents[0].Root?.Deserialize(type);
        }
        catch (JsonException e)
        {
            throw new ManifestException($"{source}: {Explain(e, documents[0], type)}", e);
        }
    }

    /// <summary>
    /// The API server refuses requests over 3 MiB (and etcd stores objects up to 1.5 MiB), so a larger manifest is a
    /// mistake (a log pasted in, a wrong file) and reading it would only cost memory.
    /// </summary>
    public const int MaxManifestChars = 3 * 1024 * 1024;

    private static List<YamlJsonDocument> Documents(string text, string source)
    {
        if (text.Length > MaxManifestChars)
            throw new ManifestException(
                $"{source}: {text.Length / 1024.0 / 1024:0.#} MiB is larger than a manifest can be ({MaxManifestChars / 1024 / 1024} MiB, "
                    + $"the API server's request limit)"
            );
        try
        {
            return YamlJson.ReadAll(text);
        }
        catch (YamlJsonException e)
        {
            throw new ManifestException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>"unknown field "spec.analysis.windw" at line 9", or the field, line and value that has the wrong type.</summary>
    private static string Explain(JsonException e, YamlJsonDocument doc, JsonTypeInfo root)
    {
        var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        var unmapped = Unmapped().Match(e.Message);
        if (unmapped.Success)
        {
            var name = unmapped.Groups[1].Value;
            var field =
                path.EndsWith(name, StringComparison.Ordinal) ? path
                : path.Length == 0 ? name
                : $"{path}.{name}";
            return $"unknown field \"{field}\"{At(doc, field)}; check its spelling against `kubectl explain release.spec`";
        }
        var value = Find(doc.Root, path);
        var shown = value is null ? "null" : value.ToJsonString();
        var hint = shown is "\".nan\"" or "\".NaN\"" or "\".inf\"" or "\"-.inf\"" or "\".Inf\"" ? " (NaN and infinities are not allowed)" : "";
        var expected = ExpectedAt(root, path) switch
        {
            null => "another value",
            var t when t == typeof(double) || t == typeof(float) || t == typeof(decimal) => "a number",
            var t when t == typeof(int) || t == typeof(long) => "an integer",
            var t when t == typeof(bool) => "true or false",
            var t when t == typeof(string) => "a string",
            var t when Strict.GetTypeInfo(t).Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "a mapping",
            var t when Strict.GetTypeInfo(t).Kind is JsonTypeInfoKind.Enumerable => "a list",
            _ => "another type",
        };
        return $"{(path.Length == 0 ? "the object" : path)}{At(doc, path)}: {shown} is not valid here; expected {expected}{hint}";
    }

    private static string At(YamlJsonDocument doc, string path) => doc.Lines.TryGetValue(path, out var line) ? $" at line {line}" : "";

    /// <summary>
    /// The declared type at a JSON path, from the serializer's own metadata: the exception's message names the enclosing
    /// type under source-generated metadata, not the field's.
    /// </summary>
    private static Type? ExpectedAt(JsonTypeInfo type, string path)
    {
        Type? found = type.Type;
        foreach (Match m in Segment().Matches(path))
        {
            var info = Strict.GetTypeInfo(found!);
            found = m.Groups[1].Success
                ? info.Properties.FirstOrDefault(p => p.Name == m.Groups[1].Value)?.PropertyType
                    ?? (info.Kind == JsonTypeInfoKind.Dictionary ? info.ElementType : null)
                : info.ElementType;
            if (found is null)
                return null;
            found = Nullable.GetUnderlyingType(found) ?? found;
        }
        return found;
    }

    private static JsonNode? Find(JsonNode? node, string path)
    {
        foreach (Match m in Segment().Matches(path))
        {
            node =
                m.Groups[1].Success ? (node as JsonObject)?[m.Groups[1].Value]
                : (node as JsonArray) is { } arr && int.Parse(m.Groups[2].Value) < arr.Count ? arr[int.Parse(m.Groups[2].Value)]
                : null;
            if (node is null)
                return null;
        }
        return node;
    }

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"([^.\[\]]+)|\[(\d+)\]")]
    private static partial Regex Segment();
}
