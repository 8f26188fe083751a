using System.Collections.Immutable;
using ReleaseRadar.Analysis.Lineage;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// The pure middle of a reconcile: from the state as stored and what the reconcile saw, the state to store and what to do
/// to the target; from a stored transition, what to tell the world. No I/O and no clock, so a table of cases tests it.
/// </summary>
internal static class ReconcileDecision
{
    /// <summary>
    /// At most this many action records are kept (every Undo that was carried out or skipped is kept whatever the count:
    /// it is never repeated).
    /// </summary>
    public const int MaxActions = 20;

    public static Decision Decide(ReleaseState state, PlanResult planned, Observation seen, DateTimeOffset now)
    {
        if (!seen.Leading)
            return new Decision(state, [], Leading: false);
        var next = seen.Analysed ?? state;
        next = Record(next, seen.Unrecorded);
        next = Bind(next, seen);
        next = Observe(next, seen.Subject, seen.Target, now);
        next = Recover(next, seen.Subject, seen.Target, now);
        // A Release whose window had already ended stays Completed unless its own Undo moved the target: it stopped on its
        // own, and it writes nothing either.
        if (seen.MovedOn || next.Phase == ReleasePhase.Superseded)
            return new Decision(next.Phase == ReleasePhase.Completed && !Undone(next) ? next : Supersede(next, seen, now), []);
        // One annotator per Deployment: the oldest Release bound to the rollout it runs now. A Release of an older rollout
        // touches nothing; one of the same rollout may still undo it.
        if (seen.Neighbours is { OnCurrent: false })
            return new Decision(next, []);
        // An Undo waits until the judged revision is on record: the binding is stored before anything is rolled back.
        var bindingStored = seen.Binding is null || state.Binding is not null;
        var annotates = seen.Neighbours?.Owns != false;
        return Act(next, planned.Plan?.Rollback ?? RollbackMode.None, seen.Subject, seen.Target, now, bindingStored, annotates);
    }

    /// <summary>Records the binding (once) and the predecessor (kept current while it is judged).</summary>
    private static ReleaseState Bind(ReleaseState state, Observation seen)
    {
        if (seen.Binding is not { } binding)
            return state;
        var predecessor = seen.Neighbours?.Predecessor ?? state.Predecessor;
        if (state.Binding == binding && state.Predecessor == predecessor && state.TargetRevision == binding.Revision)
            return state;
        return state with { Binding = binding, TargetRevision = binding.Revision ?? state.TargetRevision, Predecessor = predecessor };
    }

    private static bool Undone(ReleaseState state) => state.Actions.Any(a => a.Action == ReleaseAction.Undo && a.Result == ActionResult.Succeeded);

    /// <summary>
    /// An Undo of this Release recorded on the Deployment but not in the status (its status write was lost): recorded
    /// now, from the Deployment, and never carried out again.
    /// </summary>
    private static ReleaseState Recover(ReleaseState state, ReleaseSubject subject, TargetView? target, DateTimeOffset now)
    {
        if (
            target is not { Exists: true } t
            || t.RolledBackBy != subject.Name
            || state.Binding?.PodTemplateHash is not { } judged
            || t.RolledBackFrom != judged
            || state.Actions.Any(a => a.Action == ReleaseAction.Undo && a.Result == ActionResult.Succeeded)
        )
            return state;
        return Record(
            state,
            [
                Taken(
                    now,
                    ReleaseAction.Undo,
                    Verdict.Risky,
                    t,
                    ActionResult.Succeeded,
                    $"Rolled back from revision {state.Binding.Revision} (pod template {judged}), as the Deployment's "
                        + $"{DeploymentActions.RolledBackBy} "
                        + "annotation records"
                ),
            ]
        );
    }

    /// <summary>
    /// The target runs another rollout: the Release stops, its verdict frozen at its last analysis over its own traffic,
    /// and says by what it was superseded. Idempotent: a Release already superseded is returned as it is.
    /// </summary>
    private static ReleaseState Supersede(ReleaseState state, Observation seen, DateTimeOffset now) =>
        ReleaseNeighbourhood.Supersede(
            state,
            $"Deployment {seen.Target!.Namespace}/{seen.Target.Name}",
            seen.Target.Revision,
            seen.Neighbours?.Current,
            Undone(state),
            now,
            seen.Subject.Generation
        );

    /// <summary>The state with <paramref name="taken"/> appended to its actions (those not already there), bounded.</summary>
    public static ReleaseState Record(ReleaseState state, IEnumerable<ActionTaken> taken)
    {
        var more = taken.Where(t => !state.Actions.Contains(t)).ToList();
        return more.Count == 0 ? state : state with { Actions = Bounded([.. state.Actions, .. more]) };
    }

    /// <summary>What the transition from <paramref name="before"/> to <paramref name="after"/>, once stored, tells the world.</summary>
    public static ImmutableArray<Notice> Notices(ReleaseState before, ReleaseState after)
    {
        var notices = ImmutableArray.CreateBuilder<Notice>();
        if (after.Verdict is { } verdict && verdict != before.Verdict)
            notices.Add(new Notice.VerdictChanged(before.Verdict, verdict, after.RiskScore, [.. after.Reasons.Take(3)]));
        foreach (var action in after.Actions.Where(a => !before.Actions.Contains(a)))
            notices.Add(new Notice.ActionRecorded(action));
        if (after.Phase == ReleasePhase.Superseded && before.Phase != ReleasePhase.Superseded && after.Condition(ConditionType.Superseded) is { } c)
            notices.Add(new Notice.Superseded(c.Message ?? ""));
        if (after.Condition(ConditionType.MetricsAvailable) is { Holds: false } failed)
        {
            var was = before.Condition(ConditionType.MetricsAvailable);
            if (was?.Holds != false || was.Reason != failed.Reason)
                notices.Add(new Notice.MetricsUnavailable(failed.Reason ?? "MetricsUnavailable", failed.Message ?? ""));
        }
        return notices.ToImmutable();
    }

    /// <summary>
    /// Whether spec.rollback still owes the target something for the current verdict: an Annotate for this verdict, or,
    /// when risky with Undo, an Undo. A Failed attempt does not count. Not while the Deployment is missing: there is
    /// nothing to act on.
    /// </summary>
    public static bool Owed(ReleaseState state, RollbackMode rollback)
    {
        if (rollback == RollbackMode.None || state.Verdict is not { } verdict || state.Holds(ConditionType.TargetFound) != true)
            return false;
        var done = state.Actions.Where(a => a.Result is not ActionResult.Failed).ToList();
        var annotated = done.Any(a => a.Action == ReleaseAction.Annotate && a.Verdict == verdict);
        var undone = verdict != Verdict.Risky || rollback != RollbackMode.Undo || done.Any(a => a.Action == ReleaseAction.Undo);
        return !annotated || !undone;
    }

    /// <summary>The action history, bounded to <see cref="MaxActions"/> but for the final undos.</summary>
    public static ImmutableArray<ActionTaken> Bounded(ImmutableArray<ActionTaken> actions)
    {
        if (actions.Length <= MaxActions)
            return actions;
        static bool Final(ActionTaken a) => a.Action == ReleaseAction.Undo && a.Result != ActionResult.Failed;
        var keep = actions.Where(Final).Concat(actions.Where(a => !Final(a)).TakeLast(MaxActions)).ToHashSet();
        return [.. actions.Where(keep.Contains)];
    }

    /// <summary>Records whether the target exists and, once, the revision it ran when first seen: the one the verdict is about.</summary>
    private static ReleaseState Observe(ReleaseState state, ReleaseSubject subject, TargetView? target, DateTimeOffset now)
    {
        if (target is null)
            return state;
        var (reason, message) = target.Exists
            ? ("DeploymentFound", $"Deployment {target.Namespace}/{target.Name}{(target.Revision is null ? "" : $" at revision {target.Revision}")}")
            : (
                "DeploymentNotFound",
                $"Deployment {target.Namespace}/{target.Name} not found; the analysis goes on, but it cannot be annotated or rolled back"
            );
        var revision = state.TargetRevision ?? (target.Exists ? target.Revision : null);
        // Unchanged is returned as is: the reconciler then knows, without serializing anything, that there is nothing to write.
        if (
            state.Condition(ConditionType.TargetFound) is { } held
            && held.Holds == target.Exists
            && held.Reason == reason
            && held.Message == message
            && held.ObservedGeneration == subject.Generation
            && revision == state.TargetRevision
        )
            return state;
        return state with
        {
            TargetRevision = revision,
            Conditions = Conditions.Set(state.Conditions, ConditionType.TargetFound, target.Exists, reason, message, now, subject.Generation),
        };
    }

    /// <summary>What spec.rollback asks of the target for the current verdict; what needs no call is recorded at once.</summary>
    private static Decision Act(
        ReleaseState state,
        RollbackMode rollback,
        ReleaseSubject subject,
        TargetView? target,
        DateTimeOffset now,
        bool bindingStored,
        bool annotates
    )
    {
        if (rollback == RollbackMode.None || state.Verdict is not { } verdict || target is not { Exists: true })
            return new Decision(state, []);
        var intents = ImmutableArray.CreateBuilder<TargetIntent>();
        var done = state.Actions.Where(a => a.Result is not ActionResult.Failed).ToList();
        var word = Vocabulary.Word(verdict);

        // Once per verdict: the score and the summary move at every analysis, and patching the Deployment each interval
        // would be noise on both. Once recorded, a cache that has not yet seen our patch cannot make it twice.
        var annotated = done.Any(a => a.Action == ReleaseAction.Annotate && a.Verdict == verdict);
        if (annotates && !annotated && !target.Shows(verdict, subject.Name))
            intents.Add(
                new TargetIntent.Annotate(target, verdict, state.RiskScore ?? 0, string.Join(" | ", state.Reasons.Take(3)), subject.Name ?? "")
            );
        else if (annotates && !annotated)
            state = Record(
                state,
                [Taken(now, ReleaseAction.Annotate, verdict, target, ActionResult.Succeeded, $"Annotations already show verdict {word}")]
            );

        var undoOwed = bindingStored && verdict == Verdict.Risky && rollback == RollbackMode.Undo && !done.Any(a => a.Action == ReleaseAction.Undo);
        if (undoOwed)
        {
            if (UndoRefusal(target, state.Binding?.PodTemplateHash, state.TargetRevision) is { } skip)
                state = Record(state, [Taken(now, ReleaseAction.Undo, verdict, target, ActionResult.Skipped, skip)]);
            else
                intents.Add(new TargetIntent.Undo(target, target.Revision!, state.Binding?.PodTemplateHash, subject.Name ?? ""));
        }
        return new Decision(state, intents.ToImmutable());
    }

    /// <summary>
    /// Why an Undo of the judged template <paramref name="judgedHash"/> at revision <paramref name="judgedRevision"/> must not
    /// touch <paramref name="target"/> (null: it may). Asked by the decision of the cached Deployment and, just before the
    /// patch, of the Deployment read afresh.
    /// </summary>
    public static string? UndoRefusal(TargetView target, string? judgedHash, string? judgedRevision) =>
        // Someone (another Release of the rollout, another operator, a Release of the same name before it was re-created)
        // already took it away.
        judgedHash is { } hash
        && target.RolledBackFrom == hash
            ? $"The judged pod template {hash} was already rolled back by {target.RolledBackBy}; not rolling back twice"
        // Only the revision that was judged is ever rolled back: a later rollout, or one we cannot name, is left alone.
        : judgedRevision is { } judged && target.Revision != judged
            ? $"The Deployment now runs revision {target.Revision ?? "(none)"}, not the analysed revision {judged}; not rolling back "
                + "someone else's rollout"
        : !long.TryParse(target.Revision, out _) ? "The Deployment has no revision annotation; cannot tell which revision to roll back to"
        : null;

    private static ActionTaken Taken(
        DateTimeOffset now,
        ReleaseAction action,
        Verdict verdict,
        TargetView target,
        ActionResult result,
        string message
    ) => new(Stamp(now), action, verdict, target.Reference, result, message);

    /// <summary>
    /// An action's time as the status stores it (whole seconds), so the record read back equals the one made, and a
    /// record carried over a conflict is recognised.
    /// </summary>
    public static DateTimeOffset Stamp(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);
}
