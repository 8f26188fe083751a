using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.Lineage;

/// <summary>
/// What the other Releases of a target mean for one of them: who writes the target, who came before and after, and
/// whether the pre-deploy window is clean enough to be its baseline. Pure: the operator feeds it from its caches, the
/// demo from its story.
/// </summary>
public static class ReleaseNeighbourhood
{
    /// <summary>
    /// The neighbours of <paramref name="me"/> among <paramref name="others"/>, the target running
    /// <paramref name="currentRevision"/>.
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

    /// <summary>
    /// The state of a Release whose target runs another rollout now: it stops, its verdict frozen at its last analysis over
    /// its own traffic, and says by what it was superseded. Idempotent.
    /// </summary>
    /// <param name="target">The target as a reader names it ("Deployment shop/checkout").</param>
    /// <param name="revision">The revision the target runs now.</param>
    /// <param name="successor">The Release bound to that revision, when there is one.</param>
    /// <param name="undone">Whether this Release's own Undo moved the target.</param>
    public static ReleaseState Supersede(
        ReleaseState state,
        string target,
        string? revision,
        ReleaseLink? successor,
        bool undone,
        DateTimeOffset now,
        long? generation
    )
    {
        if (state.Phase == ReleasePhase.Superseded)
            return state;
        var by = $"revision {revision}{(successor is null ? "" : $" (Release {successor.Name})")}";
        var message =
            $"{target} now runs {by}{(undone ? ", after this Release's Undo" : "")}; this Release was "
            + $"bound to revision {state.Binding?.Revision}. "
            + (
                state.Verdict is { } v
                    ? $"The verdict {Vocabulary.Word(v)} stands as last analysed over revision {state.Binding?.Revision}'s own traffic"
                    : "It was superseded before its first analysis, so it has no verdict"
            );
        return state with
        {
            Phase = ReleasePhase.Superseded,
            Successor = successor ?? new ReleaseLink($"revision {revision}", null, null),
            Reasons = state.Verdict is null ? [message] : state.Reasons,
            Conditions = Conditions.Set(
                state.Conditions,
                ConditionType.Superseded,
                true,
                undone ? "RolledBack" : "NewRollout",
                message,
                now,
                generation
            ),
        };
    }
}
