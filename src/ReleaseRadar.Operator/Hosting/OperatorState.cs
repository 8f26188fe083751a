using ReleaseRadar.Core.Model;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>What the probes and the API can see of the controller.</summary>
public sealed class OperatorState
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
    public List<ReleaseInformer> Informers { get; } = [];

    /// <summary>The cached Releases without their histories; <see cref="History"/> inflates one when asked.</summary>
    public IReadOnlyCollection<Release> CachedReleases => Informers.SelectMany(i => i.Items).ToList();

    public IReadOnlyList<HistoryEntry> History(Release release) =>
        Informers.Select(i => i.History(release.Key)).FirstOrDefault(h => h is not null) ?? [];

    public bool CacheSynced => Informers.Count > 0 && Informers.All(i => i.Synced);
    public bool Ready => Electing && CacheSynced;

    public string Describe() => !Electing ? "not started" : "Release cache not synced yet";
}
