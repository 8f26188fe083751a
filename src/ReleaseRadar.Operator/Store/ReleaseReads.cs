using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>
/// The reads of Releases through KubernetesClient: the pages of a list (for the stores' relist and for export), the
/// relist (every Release enqueued, those gone since dropped) and the GET of one Release on a cache miss or after a conflict.
/// </summary>
public static class ReleaseReads
{
    /// <summary>Items per list page, as client-go's reflector uses: the memory a relist needs stays one page, not the whole fleet.</summary>
    public const int PageSize = 500;

    /// <summary>
    /// Lists every Release of the scope into <paramref name="cache"/> (as <paramref name="keep"/> makes it); returns the
    /// list's resourceVersion.
    /// </summary>
    internal static async Task<string> RelistAsync<T>(
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
        string? version = null;
        await foreach (var page in PagesAsync(client, ns, null, ct))
        {
            foreach (var (r, name, problem) in page.Items)
            {
                if (r is null)
                {
                    skipped(name, problem ?? "unreadable");
                    continue;
                }
                r.Metadata.ManagedFields = null;
                seen.Add(r.Key);
                cache[r.Key] = keep(r);
                changed?.Invoke(r.Key);
            }
            version = page.Version ?? version;
        }
        foreach (var stale in cache.Keys.Where(k => !seen.Contains(k) && covers(k)).ToList())
        {
            cache.TryRemove(stale, out _);
            changed?.Invoke(stale);
        }
        logger.LogInformation("Listed {Count} Releases{Scope} at resourceVersion {Version}", seen.Count, ns is null ? "" : $" in {ns}", version);
        return version ?? "0";
    }

    /// <summary>
    /// Every Release of <paramref name="ns"/> (all namespaces when null) matching <paramref name="labelSelector"/>, a page
    /// of <see cref="PageSize"/> at a time. Each page is read typed; only a page that does not read so is fetched again
    /// untyped and read item by item (<see cref="ReleaseDecoder"/>), so one Release of a bad shape never fails the 499
    /// others, and a clean page costs nothing more.
    /// </summary>
    public static async IAsyncEnumerable<ReleasePage> PagesAsync(
        IKubernetes client,
        string? ns,
        string? labelSelector,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        string? token = null;
        do
        {
            var page = await PageAsync(client, ns, labelSelector, token, ct);
            yield return page;
            token = page.Continue is { Length: > 0 } next ? next : null;
        } while (token is not null);
    }

    private static async Task<ReleasePage> PageAsync(IKubernetes client, string? ns, string? labelSelector, string? token, CancellationToken ct)
    {
        try
        {
            var typed = await ListAsync<ReleaseList>(client, ns, labelSelector, token, ct);
            return new ReleasePage(
                [.. typed.Items.Select(r => ((Release?)r, r.Metadata.Name, (string?)null))],
                typed.Metadata?.ResourceVersion,
                typed.Metadata?.ContinueProperty
            );
        }
        catch (JsonException)
        {
            var page = await ListAsync<JsonElement>(client, ns, labelSelector, token, ct);
            var items = new List<(Release?, string?, string?)>();
            if (page.TryGetProperty("items", out var all) && all.ValueKind == JsonValueKind.Array)
                foreach (var item in all.EnumerateArray())
                {
                    var (r, problem) = ReleaseDecoder.Decode(item);
                    items.Add((r, ReleaseDecoder.NameOf(item), problem));
                }
            var meta = page.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            return new ReleasePage(
                items,
                meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null,
                meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("continue", out var c) ? c.GetString() : null
            );
        }
    }

    private static Task<T> ListAsync<T>(IKubernetes client, string? ns, string? labelSelector, string? token, CancellationToken ct) =>
        ns is null
            ? client.CustomObjects.ListClusterCustomObjectAsync<T>(
                Release.Group,
                Release.Version,
                Release.Plural,
                continueParameter: token,
                labelSelector: labelSelector,
                limit: PageSize,
                cancellationToken: ct
            )
            : client.CustomObjects.ListNamespacedCustomObjectAsync<T>(
                Release.Group,
                Release.Version,
                ns,
                Release.Plural,
                continueParameter: token,
                labelSelector: labelSelector,
                limit: PageSize,
                cancellationToken: ct
            );

    /// <summary>GET of one Release by namespace/name, managedFields dropped; null when it does not exist.</summary>
    internal static async Task<Release?> GetAsync(IKubernetes client, string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        Task<T> Get<T>() =>
            client.CustomObjects.GetNamespacedCustomObjectAsync<T>(
                Release.Group,
                Release.Version,
                key[..slash],
                Release.Plural,
                key[(slash + 1)..],
                ct
            );
        try
        {
            Release? release;
            try
            {
                release = await Get<Release>(); // typed, as a page of the list: the untyped read only for one that does not read so
            }
            catch (JsonException)
            {
                var (read, problem) = ReleaseDecoder.Decode(await Get<JsonElement>());
                release = read ?? throw new JsonException($"Release {key} could not be read: {problem}");
            }
            release.Metadata.ManagedFields = null;
            return release;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
