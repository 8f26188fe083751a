using ReleaseRadar.Api;
using ReleaseRadar.Operator.Controller;
using ReleaseRadar.Operator.Store;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>What the probes and the API can see of the controller.</summary>
internal sealed class OperatorState
{
    private volatile bool _leading;
    private volatile bool _electing;
    public bool Leading
    {
        get => _leading;
        set => _leading = value;
    }
    public bool Electing
    {
        get => _electing;
        set => _electing = value;
    }
    public ReleaseController? Controller { get; set; }

    /// <summary>The replica's Release stores, made before any hosted service starts so the controller always finds them.</summary>
    public required ReleaseStores Stores { get; init; }

    /// <summary>The cached Releases without their histories; <see cref="History"/> inflates one when asked.</summary>
    public IReadOnlyCollection<Release> CachedReleases => Stores.Items.ToList();

    public IReadOnlyList<HistoryEntry> History(Release release) => Stores.History(release.Key);

    public bool CacheSynced => Stores.Synced;

    /// <summary>Failures in a row of the Release watch and relist past which the replica says it is not ready: it is blind.</summary>
    public const int FailingStream = 3;

    public bool Ready => Electing && CacheSynced && Stores.ConsecutiveFailures < FailingStream;

    public string Describe() =>
        !Electing ? "not started"
        : !CacheSynced ? "Release cache not synced yet"
        : $"the Release watch and relist failed {Stores.ConsecutiveFailures} times in a row (the log says why); the cache may be stale";
}
