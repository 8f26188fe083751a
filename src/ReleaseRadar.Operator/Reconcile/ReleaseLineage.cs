using System.Collections.Concurrent;
using ReleaseRadar.Analysis.Lineage;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// Every Release the operator knows, by target Deployment, kept from what the reconciler loads and stores: so a Release
/// knows the Release before it, the one after it, and whether it is the one that may write the Deployment. Seeded from
/// the cache before the workers start.
/// </summary>
internal sealed class ReleaseLineage
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, LineageEntry>> _byTarget = new();
    private readonly ConcurrentDictionary<string, string> _targetOf = new();

    public static string? TargetKey(ReleaseSubject subject) =>
        subject.Spec?.Target?.Name is { } name ? $"{subject.Namespace ?? "default"}/{name}" : null;

    public void Record(ReleaseSubject subject, ReleaseState state)
    {
        if (TargetKey(subject) is not { } target)
        {
            Forget(subject.Key);
            return;
        }
        if (_targetOf.TryGetValue(subject.Key, out var before) && before != target && _byTarget.TryGetValue(before, out var old))
            old.TryRemove(subject.Key, out _);
        _targetOf[subject.Key] = target;
        _byTarget.GetOrAdd(target, _ => new())[subject.Key] = LineageEntry.Of(subject, state);
    }

    public void Forget(string key)
    {
        if (_targetOf.TryRemove(key, out var target) && _byTarget.TryGetValue(target, out var entries))
            entries.TryRemove(key, out _);
    }

    /// <summary>The keys of the Releases that target Deployment <paramref name="ns"/>/<paramref name="name"/>.</summary>
    public IReadOnlyList<string> KeysOf(string ns, string name) => _byTarget.TryGetValue($"{ns}/{name}", out var entries) ? [.. entries.Keys] : [];

    /// <summary>The other Releases of <paramref name="subject"/>'s target.</summary>
    public IReadOnlyList<LineageEntry> Others(ReleaseSubject subject) =>
        TargetKey(subject) is { } target && _byTarget.TryGetValue(target, out var entries)
            ? [.. entries.Values.Where(e => e.Key != subject.Key)]
            : [];
}
