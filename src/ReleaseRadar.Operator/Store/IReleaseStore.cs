using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>
/// The operator's view of Releases on the API server, for one namespace (or all): a list-then-watch cache that the
/// read-only API serves from on every replica, the keys worth reconciling (a new Release, a spec change, a deletion, a
/// reanalyze request; never the echo of our own status write), and the one status write of a reconcile.
/// <para>
/// Two implementations pass one conformance suite: <see cref="PlainReleaseStore"/>, KubernetesClient's typed calls and
/// whole objects, which is all a reader needs to follow the controller; and <see cref="Fast.PackedReleaseStore"/>, the same
/// contract with the machinery that keeps 10,000 Releases in a few hundred megabytes (a watch read by its head, histories
/// Brotli-packed, the echo of our own write left unread, unchanged history entries copied as read). The operator runs the
/// packed one; <c>--store plain</c> runs the plain one.
/// </para>
/// </summary>
internal interface IReleaseStore
{
    /// <summary>Whether this store watches the namespace of <paramref name="key"/>.</summary>
    bool Covers(string key);

    /// <summary>The first list has completed: the cache holds every Release of its scope.</summary>
    bool Synced { get; }

    /// <summary>How many times in a row the watch or the relist has failed (0 once one succeeds): readiness reads it.</summary>
    int ConsecutiveFailures { get; }

    int Count { get; }

    /// <summary>The cached Releases without their histories: what listings, filters and summaries need.</summary>
    IEnumerable<Release> Items { get; }

    /// <summary>One cached Release's history, or null when this store does not hold it.</summary>
    IReadOnlyList<HistoryEntry>? History(string key);

    /// <summary>The whole cached Release, history included, for a reconcile (which passes it back to <see cref="WriteStatusAsync"/>).</summary>
    LoadedRelease? Load(string key);

    /// <summary>Reads the Release from the API server (a cache miss), caches and returns it; null when it does not exist.</summary>
    Task<LoadedRelease?> ReadAsync(string key, CancellationToken ct);

    /// <summary>
    /// PUT …/status of the Release as loaded (its resourceVersion decides). Returns the stored Release, or null on
    /// 409 Conflict: someone wrote since it was loaded.
    /// </summary>
    Task<Release?> WriteStatusAsync(LoadedRelease loaded, ReleaseStatus status, CancellationToken ct);

    /// <summary>Connects the work queue (null: a plain cache, as the read-only API uses it), and hands it every cached key.</summary>
    void Attach(Action<string>? changed);

    /// <summary>Hands every cached key to the queue: the periodic resync that heals anything a missed event left behind.</summary>
    void Resync();

    /// <summary>
    /// Ends the watch and lists afresh, at every resync: objects a watch resumed past (after the API server lost state) are
    /// found, and ghosts are dropped.
    /// </summary>
    void Relist();

    /// <summary>Lists, then watches, until cancelled; relists on 410 Gone and backs off on failures.</summary>
    Task RunAsync(CancellationToken ct);
}
