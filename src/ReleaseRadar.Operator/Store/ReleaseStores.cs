using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>The replica's Release stores: one per watched namespace, or one for all.</summary>
internal sealed class ReleaseStores(IReadOnlyList<IReleaseStore> stores, StatusSeal seal)
{
    public IReadOnlyList<IReleaseStore> All => stores;

    /// <summary>Seals the statuses the reconciler writes, and tells the gate and the reconciler which ones are the operator's own.</summary>
    public StatusSeal Seal => seal;

    /// <summary>Whether a cached Release's status (its history left out) is the operator's own.</summary>
    public bool Trusts(Release release) => seal.Trusts(release, () => release.Status! with { History = Unpacked(release) });

    private List<HistoryEntry>? Unpacked(Release release) => History(release.Key) is { Count: > 0 } h ? [.. h] : release.Status?.History;

    /// <summary>The store that watches the namespace of <paramref name="key"/> (null: none does).</summary>
    public IReleaseStore? For(string key) => stores.FirstOrDefault(s => s.Covers(key));

    public bool Synced => stores.Count > 0 && stores.All(s => s.Synced);

    /// <summary>The most failures in a row of any store's watch and relist.</summary>
    public int ConsecutiveFailures => stores.Count == 0 ? 0 : stores.Max(s => s.ConsecutiveFailures);

    /// <summary>Every cached Release without its history.</summary>
    public IEnumerable<Release> Items => stores.SelectMany(s => s.Items);

    /// <summary>One cached Release's history (empty when no store holds it).</summary>
    public IReadOnlyList<HistoryEntry> History(string key) => stores.Select(s => s.History(key)).FirstOrDefault(h => h is not null) ?? [];
}
