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
    public bool Ready => Electing && CacheSynced;

    public string Describe() => !Electing ? "not started" : "Release cache not synced yet";
}
