using System.Collections.Concurrent;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

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

    /// <summary>
    /// The neighbours of <paramref name="me"/> among <paramref name="others"/>, the Deployment running
    /// <paramref name="currentRevision"/>. Pure.
    /// </summary>
    public static Neighbours Around(LineageEntry me, IReadOnlyList<LineageEntry> others, string? currentRevision, TimeSpan baselineWindow)
    {
        if (me.Binding is not { } mine)
            return Neighbours.Alone with { Owns = false, OnCurrent = false };
        var bound = others.Where(o => o.Binding is not null).ToList();
        static (DateTimeOffset, string) Age(LineageEntry e) => (e.Created ?? DateTimeOffset.MaxValue, e.Name);
        var onCurrent = bound.Where(o => o.Binding!.Revision == currentRevision).ToList();
        // An older Release not bound yet may be about this rollout too: it goes first, or says it is about another one.
        var pending = others.Where(o => o.Binding is null && o.Phase != ReleasePhase.Invalid);
        var isCurrent = mine.Revision == currentRevision;
        var owns = isCurrent && onCurrent.Concat(pending).All(o => Age(o).CompareTo(Age(me)) > 0);
        var current = onCurrent.Where(o => o.Binding!.PodTemplateHash != mine.PodTemplateHash).MinBy(Age);
        var earlier = bound.Where(o => o.Binding!.DeployedAt < mine.DeployedAt && o.Binding.PodTemplateHash != mine.PodTemplateHash).ToList();
        var predecessor = earlier.MaxBy(o => o.Binding!.DeployedAt);
        return new Neighbours(owns, isCurrent, predecessor?.Link, current?.Link, Pin(mine, predecessor, earlier, baselineWindow));
    }

    /// <summary>
    /// A baseline window clean of a predecessor judged risky: its bad minutes in the pre-deploy window would excuse the
    /// same regression. Then the window of the last Release judged OK, or else the stretch before the bad one.
    /// </summary>
    private static PinnedBaseline? Pin(RevisionBinding mine, LineageEntry? predecessor, List<LineageEntry> earlier, TimeSpan baselineWindow)
    {
        var preDeployStart = mine.DeployedAt - baselineWindow;
        if (predecessor is not { Verdict: Verdict.Risky } bad || (bad.AnalysisWindow?.End ?? mine.DeployedAt) <= preDeployStart)
            return null;
        var badWord = $"{bad.Name} ({Vocabulary.Word(Verdict.Risky)})";
        if (earlier.Where(e => e.Verdict == Verdict.Ok && e.AnalysisWindow is not null).MaxBy(e => e.Binding!.DeployedAt) is { } good)
            return new PinnedBaseline(
                good.AnalysisWindow!,
                $"Baseline from {good.Name}'s analysis window ({Rfc3339.Format(good.AnalysisWindow!.Start)} to "
                    + $"{Rfc3339.Format(good.AnalysisWindow.End)}, judged {Vocabulary.Word(Verdict.Ok)}): the pre-deploy window overlaps {badWord}"
            );
        var end = bad.Binding!.DeployedAt;
        return new PinnedBaseline(
            new TimeWindow(preDeployStart < end ? preDeployStart : end, end),
            $"Baseline from before {badWord} was deployed ({Rfc3339.Format(end)}): the pre-deploy window overlaps it and no earlier "
                + $"Release of this target was judged {Vocabulary.Word(Verdict.Ok)}"
        );
    }
}
