using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// Binds a Release to the rollout it is about, from the cluster's facts: the ReplicaSet that ran when the Release says
/// it was deployed (spec.deployedAt, else its creation), give or take <see cref="Tolerance"/>. The deploy time is that
/// ReplicaSet's creation, so a hook that ran late, or a clock that is off, does not move the windows. Pure.
/// </summary>
internal static class RevisionBinder
{
    /// <summary>How far the Release's own deploy time may be from the cluster's and still mean the same rollout.</summary>
    public static TimeSpan Tolerance(TimeSpan step) => step * 2 > TimeSpan.FromMinutes(2) ? step * 2 : TimeSpan.FromMinutes(2);

    /// <param name="stated">The deploy time the Release states (spec.deployedAt, else its creation).</param>
    /// <param name="statedSource">Which of the two <paramref name="stated"/> is.</param>
    public static RevisionBinding Bind(
        string? release,
        DateTimeOffset stated,
        BindingSource statedSource,
        TimeSpan step,
        TargetView target,
        IReadOnlyList<ReplicaSetFact> replicaSets
    )
    {
        var known = replicaSets.Where(r => r.Revision is not null).ToList();
        // Our own Undo of this very Release is recorded on the Deployment: a Release re-created after it is bound to the
        // ReplicaSet that was judged and rolled back, never to the one the rollback brought back.
        if (release is not null && target.RolledBackBy == release && known.FirstOrDefault(r => r.Hash == target.RolledBackFrom) is { } undone)
            return Fresh(undone, stated, statedSource, step);
        if (known.Count == 0)
            return new RevisionBinding(target.Revision, null, null, stated, statedSource);

        var tolerance = Tolerance(step);
        if (known.FirstOrDefault(r => r.Revision == target.Revision) is { } current)
        {
            // A template seen before (a rollback) keeps its old ReplicaSet: it runs again since the newest other one was made.
            var since = known.Where(r => r.Created > current.Created).Select(r => r.Created).DefaultIfEmpty(current.Created).Max();
            if (since <= stated + tolerance)
                return since == current.Created
                    ? Fresh(current, stated, statedSource, step)
                    : new RevisionBinding(
                        current.Revision,
                        current.Hash,
                        current.Name,
                        stated > since ? stated : since,
                        statedSource,
                        $"ReplicaSet {current.Name} runs a template seen before, so its creation is not the deploy time; using {Word(statedSource)}"
                    );
        }
        // The Release is about an earlier rollout than the one running now: the newest ReplicaSet at its deploy time.
        if (known.Where(r => r.Created <= stated + tolerance).MaxBy(r => r.Created) is { } then)
            return Fresh(then, stated, statedSource, step);
        // No ReplicaSet is that old (a new Deployment, or its history pruned): the cluster cannot confirm the time.
        var now = known.FirstOrDefault(r => r.Revision == target.Revision) ?? known.MaxBy(r => r.Created)!;
        return new RevisionBinding(
            now.Revision,
            now.Hash,
            now.Name,
            stated,
            statedSource,
            $"No ReplicaSet of the Deployment is as old as {Word(statedSource)} ({Rfc3339.Format(stated)}); bound to the one it runs now, "
                + $"{now.Name}, from {Word(statedSource)}"
        );
    }

    private static RevisionBinding Fresh(ReplicaSetFact rs, DateTimeOffset stated, BindingSource statedSource, TimeSpan step)
    {
        var gap = stated - rs.Created;
        var note =
            gap.Duration() > step
                ? $"{Word(statedSource)} {Rfc3339.Format(stated)} is {GoDuration.Format(gap.Duration())} "
                    + $"{(gap > TimeSpan.Zero ? "after" : "before")} "
                    + $"ReplicaSet {rs.Name} was created ({Rfc3339.Format(rs.Created)}); the analysis starts from the ReplicaSet's time"
                : null;
        return new RevisionBinding(rs.Revision, rs.Hash, rs.Name, rs.Created, BindingSource.ReplicaSet, note);
    }

    private static string Word(BindingSource source) => source == BindingSource.DeployedAt ? "spec.deployedAt" : "the Release's creation";
}
