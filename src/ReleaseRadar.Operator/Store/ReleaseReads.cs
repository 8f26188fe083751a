using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>
/// The reads both stores make through KubernetesClient: the relist (pages of 500, every Release enqueued, those gone
/// since dropped) and the GET of one Release on a cache miss or after a conflict.
/// </summary>
internal static class ReleaseReads
{
    /// <summary>Items per list page, as client-go's reflector uses: the memory a relist needs stays one page, not the whole fleet.</summary>
    public const int PageSize = 500;

    /// <summary>
    /// Lists every Release of the scope into <paramref name="cache"/> (as <paramref name="keep"/> makes it); returns the
    /// list's resourceVersion.
    /// </summary>
    public static async Task<string> RelistAsync<T>(
        IKubernetes client,
        string? ns,
        ConcurrentDictionary<string, T> cache,
        Func<Release, T> keep,
        Func<string, bool> covers,
        Action<string>? changed,
        Action<string?, string> skipped,
        ILogger logger,
        CancellationToken ct
    )
    {
        var seen = new HashSet<string>();
        string? token = null;
        string? version = null;
        do
        {
            // Each item read on its own (ReleaseDecoder): one Release of a bad shape never fails the page that carries 499 others.
            var page = ns is null
                ? await client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(
                    Release.Group,
                    Release.Version,
                    Release.Plural,
                    continueParameter: token,
                    limit: PageSize,
                    cancellationToken: ct
                )
                : await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(
                    Release.Group,
                    Release.Version,
                    ns,
                    Release.Plural,
                    continueParameter: token,
                    limit: PageSize,
                    cancellationToken: ct
                );
            if (page.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
                foreach (var item in items.EnumerateArray())
                {
                    var (r, problem) = ReleaseDecoder.Decode(item);
                    if (r is null)
                    {
                        skipped(Name(item), problem ?? "unreadable");
                        continue;
                    }
                    r.Metadata.ManagedFields = null;
                    seen.Add(r.Key);
                    cache[r.Key] = keep(r);
                    changed?.Invoke(r.Key);
                }
            var meta = page.TryGetProperty("metadata", out var m) ? m : default;
            version = meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : version;
            token =
                meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("continue", out var c) && c.GetString() is { Length: > 0 } next
                    ? next
                    : null;
        } while (token is not null);
        foreach (var stale in cache.Keys.Where(k => !seen.Contains(k) && covers(k)).ToList())
        {
            cache.TryRemove(stale, out _);
            changed?.Invoke(stale);
        }
        logger.LogInformation("Listed {Count} Releases{Scope} at resourceVersion {Version}", seen.Count, ns is null ? "" : $" in {ns}", version);
        return version ?? "0";
    }

    private static string? Name(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && item.TryGetProperty("metadata", out var m)
        && m.ValueKind == JsonValueKind.Object
        && m.TryGetProperty("name", out var n)
            ? n.ToString()
            : null;

    /// <summary>GET of one Release by namespace/name, managedFields dropped; null when it does not exist.</summary>
    public static async Task<Release?> GetAsync(IKubernetes client, string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        try
        {
            var json = await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(
                Release.Group,
                Release.Version,
                key[..slash],
                Release.Plural,
                key[(slash + 1)..],
                ct
            );
            var (release, problem) = ReleaseDecoder.Decode(json);
            if (release is null)
                throw new JsonException($"Release {key} could not be read: {problem}");
            release.Metadata.ManagedFields = null;
            return release;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
