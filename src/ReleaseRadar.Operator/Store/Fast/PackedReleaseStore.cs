using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Api;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.Operator.Store.Fast;

/// <summary>
/// The store the operator runs: the contract of <see cref="IReleaseStore"/>, with the machinery that keeps 10,000
/// Releases in a few hundred megabytes. Its reader may skip this file: <see cref="PlainReleaseStore"/> does the same.
/// <list type="bullet">
/// <item>Histories, most of a day-old status, are held Brotli-packed (<see cref="CachedRelease"/>).</item>
/// <item>The watch is read by each event's head; the object is read only when the cache does not hold that version
/// (<see cref="ReleaseResource.WatchAsync"/>).</item>
/// <item>Our own status write's echo, which usually beats the PUT's answer, is kept unread while the write is in flight
/// and read only if it was not ours.</item>
/// <item>A status write copies the history entries it kept unchanged as they were read (<see cref="HistoryJson"/>), and
/// reads of the PUT's answer stop at its resourceVersion.</item>
/// </list>
/// </summary>
internal sealed class PackedReleaseStore(
    IKubernetes client,
    string? ns,
    OperatorMetrics metrics,
    ILogger logger,
    TimeSpan watchTimeout,
    StatusSeal? seal = null
) : ReleaseCache<CachedRelease>(client, ns, metrics, logger, seal), IReleaseStore
{
    private readonly ReleaseResource _releases = ReleaseResource.For(client);

    public IEnumerable<Release> Items => Cache.Values.Select(c => c.Head);

    public IReadOnlyList<HistoryEntry>? History(string key) => Cache.TryGetValue(key, out var cached) ? cached.History() : null;

    public LoadedRelease? Load(string key)
    {
        if (!Cache.TryGetValue(key, out var cached))
            return null;
        var release = cached.Unpack(out var history);
        return new LoadedRelease(release, history);
    }

    public async Task<LoadedRelease?> ReadAsync(string key, CancellationToken ct)
    {
        if (await ReleaseReads.GetAsync(Client, key, ct) is not { } fresh)
        {
            Cache.TryRemove(key, out _); // the API server says it is gone: no ghost stays in the cache, the API or the gate
            return null;
        }
        if (!Holds(fresh.Key, fresh.Metadata.ResourceVersion))
            Cache[fresh.Key] = CachedRelease.Pack(fresh);
        return Load(key) ?? new LoadedRelease(fresh);
    }

    public async Task<Release?> WriteStatusAsync(LoadedRelease loaded, ReleaseStatus status, CancellationToken ct)
    {
        var release = loaded.Release;
        var body = release.WithStatus(status);
        StoredRelease? stored = null;
        BeginWrite(release.Key);
        try
        {
            stored = await _releases.ReplaceStatusAsync(body, "release-radar", loaded.WriteContext as HistoryJson, ct);
        }
        finally
        {
            EndWrite(release.Key, stored);
        }
        return stored?.Release;
    }

    public Task RunAsync(CancellationToken ct) =>
        ListWatchLoop.RunAsync<WatchedRelease>(
            token => RelistAsync(r => CachedRelease.Pack(r), token),
            // Renew well before proxies cut idle streams; jitter keeps replicas and namespaces from renewing in step.
            (version, onError, token) =>
                _releases.WatchAsync(
                    Namespace,
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
                else if (item.Unreadable is { } problem)
                    Skipped(item.Key, problem);
                return Task.FromResult(item.ResourceVersion);
            },
            "Releases",
            Logger,
            Restarted,
            ct,
            RelistSignal
        );

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

    internal void BeginWrite(string key)
    {
        lock (_writeLock)
            _writing[key] = new WriteInFlight();
    }

    /// <summary>
    /// Ends a status write: caches what it stored (null when it failed or conflicted), then reads the modification the
    /// watch delivered meanwhile if that was not our write's echo.
    /// </summary>
    internal void EndWrite(string key, StoredRelease? stored)
    {
        lock (_writeLock)
        {
            _writing.Remove(key, out var write);
            if (write?.Superseded == true)
                return;
            if (stored is not null)
                Cache[key] = CachedRelease.Pack(stored.Release, stored.HistoryJson);
            if (write?.Unread is not { } json || write.Version == stored?.Release.Metadata.ResourceVersion)
                return;
            // The object, then the rest of its event line.
            if (ReleaseDecoder.Decode(new ReadOnlySequence<byte>(json)) is ({ } release, _))
                Apply(WatchEventType.Modified, release);
        }
    }

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
    private bool Holds(string key, string? version) => Cache.TryGetValue(key, out var cached) && cached.Head.Metadata.ResourceVersion == version;

    private void Apply(WatchEventType type, Release release)
    {
        var previous = Cache.TryGetValue(release.Key, out var p) ? p.Head : null;
        if (type == WatchEventType.Deleted)
            Cache.TryRemove(release.Key, out _);
        else if (type is WatchEventType.Added or WatchEventType.Modified)
            Cache[release.Key] = CachedRelease.Pack(release);
        if (WorthReconciling(type, previous, release))
            Enqueue(release.Key);
    }
}
