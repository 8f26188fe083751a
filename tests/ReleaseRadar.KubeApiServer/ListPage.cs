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
    /// <summary>
    /// One page from <paramref name="list"/>, which returns copies of at most <c>limit</c> matching objects after a key (in
    /// list order), the current resourceVersion and how many matching objects are left after the page. Only the page is
    /// copied: copying the whole collection for every page made listing 10,000 Releases in pages of 500 take minutes.
    /// </summary>
    public static ListPage Take(Func<string?, int?, (List<JsonObject> Items, long Version, int Remaining)> list, string? limit, string? token)
    {
        string? after = null;
        long? firstVersion = null;
        if (!string.IsNullOrEmpty(token))
            (after, firstVersion) = Decode(token);
        int? n = int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : null;
        var (items, version, remaining) = list(after, n);
        version = firstVersion ?? version;
        if (remaining == 0)
            return new ListPage(items, version, null, null);
        return new ListPage(items, version, Encode(Key(items[^1]), version), remaining);
    }

    /// <summary>Namespace and name, in the order the store sorts lists: the key a continue token carries.</summary>
    public static string Key(string ns, string name) => $"{ns}\u0000{name}";

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
    private static string Key(JsonObject o) => Key($"{o["metadata"]?["namespace"]}", $"{o["metadata"]?["name"]}");

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
