using System.Collections.Concurrent;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>
/// What both stores share: the cache by key (of <typeparamref name="T"/>, however a store keeps a Release), the namespace
/// it covers, the work queue it feeds, and the relist that fills it.
/// </summary>
internal abstract class ReleaseCache<T>(IKubernetes client, string? ns, OperatorMetrics metrics, ILogger logger, StatusSeal? seal)
{
    private volatile Action<string>? _changed;
    private volatile bool _synced;

    protected IKubernetes Client => client;
    protected string? Namespace => ns;
    protected ILogger Logger => logger;
    protected OperatorMetrics Metrics => metrics;
    protected ConcurrentDictionary<string, T> Cache { get; } = new();

    public bool Covers(string key) => ns is null || key.StartsWith(ns + "/", StringComparison.Ordinal);

    public bool Synced => _synced;

    private int _failures;

    public int ConsecutiveFailures => Volatile.Read(ref _failures);

    /// <summary>The list-watch loop restarted: counted, and a failure in a row more (a clean restart ends the run).</summary>
    protected void Restarted(string cause)
    {
        Metrics.WatchRestarts.WithLabels(cause).Inc();
        if (cause == "error")
            Interlocked.Increment(ref _failures);
        else
            Volatile.Write(ref _failures, 0);
    }

    public int Count => Cache.Count;

    public void Attach(Action<string>? changed)
    {
        _changed = changed;
        if (changed is not null)
            Resync();
    }

    public void Resync()
    {
        foreach (var key in Cache.Keys)
            _changed?.Invoke(key);
    }

    /// <summary>Ends the watch and lists afresh (<see cref="Controller.RelistSignal"/>).</summary>
    public void Relist() => RelistSignal.Request();

    protected Controller.RelistSignal RelistSignal { get; } = new();

    /// <summary>
    /// What <see cref="ReleaseChanges.WorthReconciling"/> says, and a status-only change the operator did not write (its
    /// seal does not match): someone changed a verdict, and the reconcile re-derives it now rather than at a resync.
    /// </summary>
    protected bool WorthReconciling(WatchEventType type, Release? previous, Release release) =>
        ReleaseChanges.WorthReconciling(type, previous, release) || type == WatchEventType.Modified && seal is not null && !seal.Trusts(release);

    /// <summary>Hands <paramref name="key"/> to the queue, if one is attached.</summary>
    protected void Enqueue(string key) => _changed?.Invoke(key);

    /// <summary>A Release whose metadata could not be read: counted and logged, while every other Release goes on.</summary>
    protected void Skipped(string? name, string problem)
    {
        metrics.UnreadableObjects.WithLabels("Release", "skipped").Inc();
        logger.LogWarning("Release {Name} could not be read and is skipped (every other Release goes on): {Problem}", name ?? "(no name)", problem);
    }

    /// <summary>Lists every Release of the scope into the cache as <paramref name="keep"/> keeps it; the cache is then synced.</summary>
    protected async Task<string> RelistAsync(Func<Release, T> keep, CancellationToken ct)
    {
        var version = await ReleaseReads.RelistAsync(client, ns, Cache, keep, Covers, _changed, Skipped, logger, ct);
        _synced = true;
        Volatile.Write(ref _failures, 0);
        return version;
    }
}
