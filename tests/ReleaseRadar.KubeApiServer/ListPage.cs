using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// One page of a list, as `?limit=N&amp;continue=…` asks (client-go's reflector lists in pages of 500). The continue token
/// carries the first page's resourceVersion and the last key served, base64-encoded like the real one; every page reports
/// that resourceVersion, and remainingItemCount when more follow. One difference: a real server serves all pages from a
/// snapshot at that version, this one from the objects as they are; a watch from that version replays the changes either way.
/// </summary>
public sealed record ListPage(List<JsonObject> Items, long Version, string? Continue, int? Remaining)
{
    public static ListPage Take(List<JsonObject> sorted, long version, string? limit, string? token)
    {
        IEnumerable<JsonObject> rest = sorted;
        if (!string.IsNullOrEmpty(token))
        {
            var (start, firstVersion) = Decode(token);
            version = firstVersion;
            rest = sorted.Where(o => string.CompareOrdinal(Key(o), start) > 0);
        }
        var remaining = rest.ToList();
        if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || remaining.Count <= n)
            return new ListPage(remaining, version, null, null);
        var page = remaining.Take(n).ToList();
        return new ListPage(page, version, Encode(Key(page[^1]), version), remaining.Count - n);
    }

    public JsonObject Metadata()
    {
        var meta = new JsonObject { ["resourceVersion"] = Version.ToString(CultureInfo.InvariantCulture) };
        if (Continue is not null)
        {
            meta["continue"] = Continue;
            meta["remainingItemCount"] = Remaining;
        }
        return meta;
    }

    /// <summary>Namespace and name, in the order the store sorts lists.</summary>
    private static string Key(JsonObject o) => $"{o["metadata"]?["namespace"]}\u0000{o["metadata"]?["name"]}";

    private static string Encode(string start, long version) =>
        Convert.ToBase64String(
            Encoding.UTF8.GetBytes(
                new JsonObject
                {
                    ["v"] = "meta.k8s.io/v1",
                    ["rv"] = version,
                    ["start"] = start,
                }.ToJsonString()
            )
        );

    private static (string Start, long Version) Decode(string token)
    {
        try
        {
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)))!;
            return (json["start"]!.GetValue<string>(), json["rv"]!.GetValue<long>());
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new ApiException(400, "BadRequest", "continue key is not valid: " + e.Message);
        }
    }
}
