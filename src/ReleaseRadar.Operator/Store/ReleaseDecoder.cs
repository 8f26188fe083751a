using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>
/// Reads one Release so that a bad part never costs the rest: a status entry of the wrong shape (written by hand, or
/// before the schema was typed) is left out and named in <see cref="Release.Unreadable"/>, and a Release whose metadata
/// cannot be read is skipped, not thrown through the watch or the list that carries every other Release.
/// </summary>
public static class ReleaseDecoder
{
    private static readonly JsonTypeInfo<Release> ReleaseInfo = ReleaseJsonContext.Kubernetes<Release>();
    private static readonly JsonTypeInfo<ReleaseStatus> StatusInfo = ReleaseJsonContext.Kubernetes<ReleaseStatus>();

    /// <summary>The Release, whole or with its unreadable parts left out; null (and why) when not even its metadata reads.</summary>
    public static (Release? Release, string? Problem) Decode(ReadOnlySequence<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            return (JsonSerializer.Deserialize(ref reader, ReleaseInfo), null);
        }
        catch (JsonException)
        {
            var reader = new Utf8JsonReader(json);
            return Lenient(JsonNode.Parse(ref reader));
        }
    }

    public static (Release? Release, string? Problem) Decode(JsonElement json)
    {
        try
        {
            return (json.Deserialize(ReleaseInfo), null);
        }
        catch (JsonException)
        {
            return Lenient(JsonNode.Parse(json.GetRawText()));
        }
    }

    /// <summary>metadata.name of a Release's JSON, as far as it can be told (null: it cannot).</summary>
    public static string? NameOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && item.TryGetProperty("metadata", out var m)
        && m.ValueKind == JsonValueKind.Object
        && m.TryGetProperty("name", out var n)
            ? n.ToString()
            : null;

    private static (Release?, string?) Lenient(JsonNode? node)
    {
        if (node is not JsonObject obj)
            return (null, "not a JSON object");
        var problems = new List<string>();
        var status = obj["status"] as JsonObject;
        obj.Remove("status");
        Release release;
        try
        {
            release = obj.Deserialize(ReleaseInfo)!;
        }
        catch (JsonException specProblem)
        {
            // Metadata and spec together failed; with the spec left out, the metadata alone says which Release it is.
            obj.Remove("spec");
            try
            {
                release = obj.Deserialize(ReleaseInfo)!;
            }
            catch (JsonException e)
            {
                return (null, $"metadata: {Short(e)}");
            }
            problems.Add($"spec: {Short(specProblem)}");
        }
        if (status is not null)
            release.Status = ReadableStatus(status, problems);
        release.Unreadable = problems.Count == 0 ? null : string.Join("; ", problems);
        return (release, release.Unreadable);
    }

    /// <summary>The status with each property, and each item of its lists, that does not read left out.</summary>
    private static ReleaseStatus? ReadableStatus(JsonObject status, List<string> problems)
    {
        var kept = new JsonObject();
        foreach (var (key, value) in status.ToList())
        {
            status.Remove(key);
            if (value is JsonArray items)
            {
                var good = new JsonArray();
                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i];
                    items[i] = null;
                    if (Reads(new JsonObject { [key] = new JsonArray(item?.DeepClone()) }, out var error))
                        good.Add(item?.DeepClone());
                    else
                        problems.Add($"status.{key}[{i}]: {error}");
                }
                kept[key] = good;
            }
            else if (Reads(new JsonObject { [key] = value?.DeepClone() }, out var error))
                kept[key] = value;
            else
                problems.Add($"status.{key}: {error}");
        }
        return kept.Deserialize(StatusInfo);
    }

    private static bool Reads(JsonObject partial, out string? error)
    {
        try
        {
            partial.Deserialize(StatusInfo);
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            error = Short(e);
            return false;
        }
    }

    private static string Short(JsonException e) => e.Message.Split(". Path:")[0].Split(" LineNumber")[0];
}
