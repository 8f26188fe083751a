using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// Keeps a cache of Releases in step with the API server by list-then-watch, and feeds keys into the work queue.
/// Watches resume from the last resourceVersion (bookmarks keep it fresh); a 410 Gone, which KubernetesClient reports
/// only through onError, forces a relist; any other failure backs off with jitter. Status-only updates (our own
/// writes) do not enqueue: only new objects, spec changes (generation) and deletions do, plus a periodic resync.
/// Without a queue attached it is a plain watch cache, as the read-only API uses on every replica.
/// </summary>
public sealed class ReleaseInformer(IKubernetes client, string? ns, OperatorMetrics metrics, ILogger logger, TimeSpan watchTimeout)
{
    private volatile WorkQueue<string>? _queue;

    /// <summary>
    /// Connects the controller's work queue while this replica leads (and enqueues everything cached), or disconnects it.
    /// The cache itself runs on every replica, for the read-only API.
    /// </summary>
    public void Attach(WorkQueue<string>? queue)
    {
        _queue = queue;
        if (queue is not null)
            Resync();
    }

    private readonly ConcurrentDictionary<string, CachedRelease> _cache = new();
    private volatile bool _synced;

    public bool Synced => _synced;

    /// <summary>The cached Releases without their histories (see <see cref="CachedRelease"/>).</summary>
    public IEnumerable<Release> Items => _cache.Values.Select(c => c.Head);

    public int Count => _cache.Count;

    /// <summary>The whole cached Release, history included.</summary>
    public bool TryGet(string key, out Release? release)
    {
        release = _cache.TryGetValue(key, out var cached) ? cached.Unpack() : null;
        return release is not null;
    }

    public bool Contains(string key) => _cache.ContainsKey(key);

    /// <summary>One cached Release's history, or null when this cache does not hold it.</summary>
    public IReadOnlyList<HistoryEntry>? History(string key) => _cache.TryGetValue(key, out var cached) ? cached.History() : null;

    /// <summary>
    /// Puts a Release we just wrote into the cache, so readers see our own write before the watch echoes it. When the echo
    /// came first (the watch can beat the PUT's answer), the cache already holds this version, packed once.
    /// </summary>
    public void Store(Release release)
    {
        if (!Holds(release.Key, release.Metadata.ResourceVersion))
            _cache[release.Key] = CachedRelease.Pack(release);
    }

    /// <summary>Whether the cache holds exactly this version of the Release.</summary>
    private bool Holds(string key, string? version) => _cache.TryGetValue(key, out var cached) && cached.Head.Metadata.ResourceVersion == version;

    public Task RunAsync(CancellationToken ct) =>
        ListWatchLoop.RunAsync<object>(
            async token =>
            {
                var version = await RelistAsync(token);
                _synced = true;
                return version;
            },
            (version, onError, token) =>
            {
                // Renew well before proxies cut idle streams; jitter keeps replicas and namespaces from renewing in step.
                var timeout = (int)(watchTimeout.TotalSeconds * (0.8 + Random.Shared.NextDouble() * 0.4));
                return ns is null
                    ? client.CustomObjects.WatchListClusterCustomObjectAsync(
                        Release.Group,
                        Release.Version,
                        Release.Plural,
                        allowWatchBookmarks: true,
                        resourceVersion: version,
                        timeoutSeconds: timeout,
                        onError: onError,
                        cancellationToken: token
                    )
                    : client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                        Release.Group,
                        Release.Version,
                        ns,
                        Release.Plural,
                        allowWatchBookmarks: true,
                        resourceVersion: version,
                        timeoutSeconds: timeout,
                        onError: onError,
                        cancellationToken: token
                    );
            },
            (type, obj, _) =>
            {
                var element = (JsonElement)obj;
                // The echo of our own status write: the reconciler already cached the object the PUT returned, so reading
                // and packing it again (a day's history, at every interval of every Release) would be wasted work.
                if (type == WatchEventType.Modified && AlreadyCached(element) is { } version)
                    return Task.FromResult<string?>(version);
                var release = KubernetesJson.Deserialize<Release>(element.GetRawText());
                Apply(type, release);
                return Task.FromResult(release.Metadata?.ResourceVersion);
            },
            "Releases",
            logger,
            cause => metrics.WatchRestarts.WithLabels(cause).Inc(),
            ct
        );

    /// <summary>Enqueues every cached key: the periodic resync that heals anything a missed event could have left behind.</summary>
    public void Resync()
    {
        foreach (var key in _cache.Keys)
            _queue?.Add(key);
    }

    /// <summary>Items per list page, as client-go's reflector uses: the memory a relist needs stays one page, not the whole fleet.</summary>
    public const int ListPageSize = 500;

    private async Task<string> RelistAsync(CancellationToken ct)
    {
        var seen = new HashSet<string>();
        string? token = null;
        string? version = null;
        do
        {
            var page = ns is null
                ? await client.CustomObjects.ListClusterCustomObjectAsync<ReleaseList>(
                    Release.Group,
                    Release.Version,
                    Release.Plural,
                    continueParameter: token,
                    limit: ListPageSize,
                    cancellationToken: ct
                )
                : await client.CustomObjects.ListNamespacedCustomObjectAsync<ReleaseList>(
                    Release.Group,
                    Release.Version,
                    ns,
                    Release.Plural,
                    continueParameter: token,
                    limit: ListPageSize,
                    cancellationToken: ct
                );
            foreach (var r in page.Items)
            {
                seen.Add(r.Key);
                _cache[r.Key] = CachedRelease.Pack(r);
                _queue?.Add(r.Key);
            }
            version = page.Metadata?.ResourceVersion ?? version;
            token = page.Metadata?.ContinueProperty is { Length: > 0 } next ? next : null;
        } while (token is not null);
        foreach (var stale in _cache.Keys.Where(k => !seen.Contains(k) && (ns is null || k.StartsWith(ns + "/", StringComparison.Ordinal))).ToList())
        {
            _cache.TryRemove(stale, out _);
            _queue?.Add(stale);
        }
        logger.LogInformation("Listed {Count} Releases{Scope} at resourceVersion {Version}", seen.Count, ns is null ? "" : $" in {ns}", version);
        return version ?? "0";
    }

    private void Apply(WatchEventType type, Release release)
    {
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                var previous = _cache.TryGetValue(release.Key, out var p) ? p.Head : null;
                _cache[release.Key] = CachedRelease.Pack(release);
                if (
                    previous is null
                    || previous.Metadata.Generation != release.Metadata.Generation
                    || type == WatchEventType.Added
                    || Annotation(previous, ReanalyzeAnnotation) != Annotation(release, ReanalyzeAnnotation)
                )
                    _queue?.Add(release.Key);
                break;
            case WatchEventType.Deleted:
                _cache.TryRemove(release.Key, out _);
                _queue?.Add(release.Key);
                break;
        }
    }

    /// <summary>The event's resourceVersion when the cache holds exactly that version of the object; null otherwise.</summary>
    private string? AlreadyCached(JsonElement element)
    {
        if (
            !element.TryGetProperty("metadata", out var meta)
            || !meta.TryGetProperty("resourceVersion", out var rv)
            || !meta.TryGetProperty("name", out var name)
            || rv.GetString() is not { Length: > 0 } version
        )
            return null;
        var ns = meta.TryGetProperty("namespace", out var n) ? n.GetString() : null;
        return Holds(Release.KeyOf(ns, name.GetString()), version) ? version : null;
    }

    /// <summary>Changing this annotation asks for a reconcile without changing the spec (e.g. after fixing Prometheus).</summary>
    public const string ReanalyzeAnnotation = "releaseradar.io/reanalyze";

    private static string? Annotation(Release r, string key) => r.Metadata.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;
}
