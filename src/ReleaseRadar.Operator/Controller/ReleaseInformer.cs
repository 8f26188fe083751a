using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Operator.Kubernetes;

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
    public bool TryGet(string key, out Release? release) => TryGet(key, out release, out _);

    /// <summary>The whole cached Release, and its history's JSON for a status write to copy the entries it keeps.</summary>
    public bool TryGet(string key, out Release? release, out HistoryJson? history)
    {
        history = null;
        release = _cache.TryGetValue(key, out var cached) ? cached.Unpack(out history) : null;
        return release is not null;
    }

    /// <summary>One cached Release's history, or null when this cache does not hold it.</summary>
    public IReadOnlyList<HistoryEntry>? History(string key) => _cache.TryGetValue(key, out var cached) ? cached.History() : null;

    /// <summary>Puts a Release just read from the API server into the cache, unless the cache already holds that version.</summary>
    public void Store(Release release)
    {
        if (!Holds(release.Key, release.Metadata.ResourceVersion))
            _cache[release.Key] = CachedRelease.Pack(release);
    }

    /// <summary>Whether this cache watches the namespace of <paramref name="key"/>.</summary>
    public bool Covers(string key) => ns is null || key.StartsWith(ns + "/", StringComparison.Ordinal);

    // Status writes in flight, by key. The watch often delivers the echo of our write before the PUT's answer: its
    // version is not cached yet, but reading it (a day's history) would be wasted if it is ours. So while a write is
    // in flight the modification is kept unread, and EndWrite reads it only if it was not ours. One lock orders what
    // the watch applies against what EndWrite stores, so a deletion seen meanwhile is never undone.
    private readonly Dictionary<string, WriteInFlight> _writing = [];
    private readonly Lock _writeLock = new();

    private sealed class WriteInFlight
    {
        public string? Version;
        public byte[]? Unread;
        public bool Superseded;
    }

    /// <summary>Announces a status write of <paramref name="key"/>; <see cref="EndWrite"/> must follow, whatever happens.</summary>
    public void BeginWrite(string key)
    {
        lock (_writeLock)
            _writing[key] = new WriteInFlight();
    }

    /// <summary>
    /// Ends a status write: caches what it stored (<paramref name="stored"/>, null when it failed or conflicted), then reads
    /// the modification the watch delivered meanwhile if that was not our write's echo.
    /// </summary>
    public void EndWrite(string key, StoredRelease? stored)
    {
        lock (_writeLock)
        {
            _writing.Remove(key, out var write);
            if (write?.Superseded == true)
                return;
            if (stored is not null)
                _cache[key] = CachedRelease.Pack(stored.Release, stored.HistoryJson);
            if (write?.Unread is not { } json || write.Version == stored?.Release.Metadata.ResourceVersion)
                return;
            var reader = new Utf8JsonReader(json); // the object, then the rest of its event line
            Apply(WatchEventType.Modified, JsonSerializer.Deserialize(ref reader, ReleaseInfo)!);
        }
    }

    private static readonly JsonTypeInfo<Release> ReleaseInfo = ReleaseJsonContext.Kubernetes<Release>();

    /// <summary>
    /// Whether a modification the watch delivered needs no reading: the cache holds that version, or a status write of
    /// the key is in flight (the modification is then kept, unread, for <see cref="EndWrite"/>).
    /// </summary>
    internal bool Absorbed(string key, string version, ReadOnlySequence<byte> json)
    {
        if (Holds(key, version))
            return true;
        lock (_writeLock)
        {
            if (!_writing.TryGetValue(key, out var write))
                return false;
            (write.Version, write.Unread) = (version, json.ToArray());
            return true;
        }
    }

    /// <summary>An event read in full: a write in flight for its key no longer decides what the cache holds.</summary>
    internal void Received(WatchEventType type, Release release)
    {
        lock (_writeLock)
        {
            if (_writing.TryGetValue(release.Key, out var write))
                (write.Superseded, write.Unread) = (true, null);
            Apply(type, release);
        }
    }

    /// <summary>Whether the cache holds exactly this version of the Release.</summary>
    private bool Holds(string key, string? version) => _cache.TryGetValue(key, out var cached) && cached.Head.Metadata.ResourceVersion == version;

    private readonly ReleaseResource _releases = ReleaseResource.For(client);

    public Task RunAsync(CancellationToken ct) =>
        ListWatchLoop.RunAsync<WatchedRelease>(
            async token =>
            {
                var version = await RelistAsync(token);
                _synced = true;
                return version;
            },
            // Renew well before proxies cut idle streams; jitter keeps replicas and namespaces from renewing in step.
            // The echo of our own status write is not read again (a day's history, at every interval of every Release).
            (version, onError, token) =>
                _releases.WatchAsync(
                    ns,
                    version,
                    (int)(watchTimeout.TotalSeconds * (0.8 + Random.Shared.NextDouble() * 0.4)),
                    Absorbed,
                    onError,
                    token
                ),
            (type, item, _) =>
            {
                if (item.Release is { } release)
                    Received(type, release);
                return Task.FromResult(item.ResourceVersion);
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
        foreach (var stale in _cache.Keys.Where(k => !seen.Contains(k) && Covers(k)).ToList())
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

    /// <summary>Changing this annotation asks for a reconcile without changing the spec (e.g. after fixing Prometheus).</summary>
    public const string ReanalyzeAnnotation = "releaseradar.io/reanalyze";

    private static string? Annotation(Release r, string key) => r.Metadata.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;
}
