using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>The replica's Release stores: one per watched namespace, or one for all.</summary>
internal sealed class ReleaseStores(IReadOnlyList<IReleaseStore> stores)
{
    public IReadOnlyList<IReleaseStore> All => stores;

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
