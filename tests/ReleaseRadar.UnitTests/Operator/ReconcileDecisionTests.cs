using System.Collections.Immutable;
using ReleaseRadar.Analysis.Lineage;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator.Reconcile;
using ReleaseRadar.UnitTests.Core;

namespace ReleaseRadar.UnitTests.Operator;

/// <summary>
/// Decide as a table, in the manner of Argo Rollouts' analysis tests: each row is a state as stored, what the reconcile
/// saw, and what must be done, recorded and told. Plain values: no API server, no HTTP, no clock.
/// </summary>
public sealed class ReconcileDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 10, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Earlier = Now.AddMinutes(-5);

    private static ReleaseSubject Subject(RollbackMode rollback, bool target = true, bool valid = true)
    {
        var release = PlannerTests.Valid();
        release.Metadata.Generation = 1;
        release.Spec = release.Spec with
        {
            Rollback = rollback.ToString(),
            Target = target ? new TargetReference { Name = "checkout" } : null,
            Analysis = valid ? null : new AnalysisSpec { Window = "not a duration" },
        };
        return release.Subject;
    }

    private static TargetView At(string? revision) => new("shop", "checkout", Exists: true, Revision: revision);

    private static readonly TargetView Missing = new("shop", "checkout", Exists: false);

    private static StatusCondition Found(bool holds, string revision = "2") =>
        new(
            ConditionType.TargetFound,
            holds,
            holds ? "DeploymentFound" : "DeploymentNotFound",
            holds
                ? $"Deployment shop/checkout at revision {revision}"
                : "Deployment shop/checkout not found; the analysis goes on, but it cannot be annotated or rolled back",
            Earlier,
            1
        );

    private static ReleaseState Judged(Verdict? verdict, params ActionTaken[] actions) =>
        new()
        {
            Phase = ReleasePhase.Analyzing,
            Verdict = verdict,
            RiskScore = verdict == Verdict.Risky ? 82 : 3,
            Reasons = verdict == Verdict.Risky ? ["5xx rate up 8.0x", "P95 up 2.1x"] : ["within the baseline"],
            ObservedGeneration = 1,
            LastAnalysis = Earlier,
            TargetRevision = "2",
            Conditions = [Found(true)],
            Actions = [.. actions],
        };

    private static ActionTaken Act(ReleaseAction action, ActionResult result, Verdict verdict = Verdict.Risky) =>
        new(Earlier, action, verdict, "Deployment/checkout", result, $"{action} {result}");

    /// <summary>One row: the state as stored, what was seen, and what must come out.</summary>
    /// <param name="Intents">What must be done to the target, as "Action:verdict[:revision]".</param>
    /// <param name="Recorded">Actions the decision itself records (nothing to call), as "Action:Result".</param>
    /// <param name="Notices">What the stored transition tells, as "Verdict:from→to" or "Action:Result".</param>
    internal sealed record Case(
        string Name,
        ReleaseState Stored,
        ReleaseSubject Subject,
        ReleaseState? Analysed,
        TargetView? Target,
        string[] Intents,
        string[] Recorded,
        string[] Notices,
        bool Leading = true,
        ActionTaken[]? Unrecorded = null,
        RevisionBinding? Binding = null,
        bool Owns = true,
        bool OnCurrent = true
    )
    {
        public override string ToString() => Name;
    }

    private static readonly RevisionBinding BoundTo2 = new("2", "bbb", "checkout-bbb", Earlier.AddMinutes(-20), BindingSource.ReplicaSet);

    private static ReleaseState Bound(Verdict? verdict, params ActionTaken[] actions) => Judged(verdict, actions) with { Binding = BoundTo2 };

    private static TargetView UndoneBy(string release) => At("3") with { RolledBackBy = release, RolledBackFrom = "bbb" };

    private static readonly Case[] Cases =
    [
        new Case(
            "bound, the Deployment moved on: superseded, verdict kept, nothing done",
            Bound(Verdict.Risky),
            Subject(RollbackMode.Undo),
            null,
            At("3"),
            [],
            [],
            ["Superseded"],
            Binding: BoundTo2
        ),
        new Case(
            "bound, risky, another Release of the same rollout annotates: this one undoes it, without annotating",
            Bound(Verdict.Ok),
            Subject(RollbackMode.Undo),
            Bound(Verdict.Risky),
            At("2"),
            ["Undo:Risky:2"],
            [],
            ["Verdict:Ok→Risky"],
            Binding: BoundTo2,
            Owns: false
        ),
        new Case(
            "bound, risky, but not to the rollout the Deployment runs: nothing done",
            Bound(Verdict.Ok),
            Subject(RollbackMode.Undo),
            Bound(Verdict.Risky),
            At("2"),
            [],
            [],
            ["Verdict:Ok→Risky"],
            Binding: BoundTo2,
            Owns: false,
            OnCurrent: false
        ),
        new Case(
            "bound just now, risky with Undo: annotated, but the binding is stored before the Undo",
            Judged(Verdict.Ok, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)),
            Subject(RollbackMode.Undo),
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)),
            At("2"),
            ["Annotate:Risky"],
            [],
            ["Verdict:Ok→Risky"],
            Binding: BoundTo2
        ),
        new Case(
            "bound and stored, risky with Undo: annotate and undo revision 2",
            Bound(Verdict.Ok, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)),
            Subject(RollbackMode.Undo),
            Bound(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)),
            At("2"),
            ["Annotate:Risky", "Undo:Risky:2"],
            [],
            ["Verdict:Ok→Risky"],
            Binding: BoundTo2
        ),
        new Case(
            "its Undo is on the Deployment but not in the status: recorded from it, never again, superseded",
            Bound(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded)),
            Subject(RollbackMode.Undo),
            null,
            UndoneBy(Subject(RollbackMode.Undo).Name!),
            [],
            ["Undo:Succeeded"],
            ["Undo:Succeeded", "Superseded"],
            Binding: BoundTo2
        ),
        new Case(
            "the judged template was rolled back by someone else and runs again: the Undo is skipped",
            Bound(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded)),
            Subject(RollbackMode.Undo),
            null,
            At("2") with
            {
                RolledBackBy = "checkout-old",
                RolledBackFrom = "bbb",
            },
            [],
            ["Undo:Skipped"],
            ["Undo:Skipped"],
            Binding: BoundTo2
        ),
        new Case(
            "first verdict OK, nothing to roll back",
            ReleaseState.Empty,
            Subject(RollbackMode.None),
            Judged(Verdict.Ok),
            At("2"),
            [],
            [],
            ["Verdict:none→Ok"]
        ),
        new Case(
            "verdict change OK → risky with Annotate: annotate once",
            Judged(Verdict.Ok, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)),
            Subject(RollbackMode.Annotate),
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)),
            At("2") with
            {
                ShownVerdict = Verdict.Ok,
                ShownRelease = "checkout-v2",
                ShownRollbackRecommended = false,
            },
            ["Annotate:Risky"],
            [],
            ["Verdict:Ok→Risky"]
        ),
        new Case(
            "risky with Undo on the judged revision: annotate and undo that revision",
            ReleaseState.Empty,
            Subject(RollbackMode.Undo),
            Judged(Verdict.Risky),
            At("2"),
            ["Annotate:Risky", "Undo:Risky:2"],
            [],
            ["Verdict:none→Risky"]
        ),
        new Case(
            "superseded: the next rollout landed, so the judged revision is not undone",
            Judged(Verdict.Ok),
            Subject(RollbackMode.Undo),
            Judged(Verdict.Risky),
            At("3"),
            ["Annotate:Risky"],
            ["Undo:Skipped"],
            ["Verdict:Ok→Risky", "Undo:Skipped"]
        ),
        new Case(
            "a Deployment without a revision annotation cannot be undone",
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded)) with
            {
                TargetRevision = null,
            },
            Subject(RollbackMode.Undo),
            null,
            At(null),
            [],
            ["Undo:Skipped"],
            ["Undo:Skipped"]
        ),
        new Case(
            "an undo carried out is never repeated",
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded), Act(ReleaseAction.Undo, ActionResult.Succeeded)),
            Subject(RollbackMode.Undo),
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded), Act(ReleaseAction.Undo, ActionResult.Succeeded)),
            At("2"),
            [],
            [],
            []
        ),
        new Case(
            "a failed undo stays owed and is tried again",
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded), Act(ReleaseAction.Undo, ActionResult.Failed)),
            Subject(RollbackMode.Undo),
            null,
            At("2"),
            ["Undo:Risky:2"],
            [],
            []
        ),
        new Case(
            "a skipped undo is final",
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded), Act(ReleaseAction.Undo, ActionResult.Skipped)),
            Subject(RollbackMode.Undo),
            null,
            At("2"),
            [],
            [],
            []
        ),
        new Case(
            "annotations already showing the verdict are recorded without a call",
            Judged(Verdict.Risky),
            Subject(RollbackMode.Annotate),
            null,
            At("2") with
            {
                ShownVerdict = Verdict.Risky,
                ShownRelease = "checkout-v2",
                ShownRollbackRecommended = true,
            },
            [],
            ["Annotate:Succeeded"],
            ["Annotate:Succeeded"]
        ),
        new Case(
            "annotations of another Release's verdict are rewritten",
            Judged(Verdict.Risky),
            Subject(RollbackMode.Annotate),
            null,
            At("2") with
            {
                ShownVerdict = Verdict.Risky,
                ShownRelease = "checkout-v1",
                ShownRollbackRecommended = true,
            },
            ["Annotate:Risky"],
            [],
            []
        ),
        new Case(
            "an annotation recorded for this verdict is not made twice, even if the cache has not seen it yet",
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded)),
            Subject(RollbackMode.Annotate),
            null,
            At("2"),
            [],
            [],
            []
        ),
        new Case(
            "a failed annotation stays owed",
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Failed)),
            Subject(RollbackMode.Annotate),
            null,
            At("2"),
            ["Annotate:Risky"],
            [],
            []
        ),
        new Case(
            "warm-up: no verdict, nothing to do to the target",
            ReleaseState.Empty,
            Subject(RollbackMode.Undo),
            new ReleaseState { Phase = ReleasePhase.WarmingUp, ObservedGeneration = 1 },
            At("2"),
            [],
            [],
            []
        ),
        new Case(
            "the target is missing: recorded, and nothing is acted on",
            Judged(Verdict.Ok),
            Subject(RollbackMode.Undo),
            Judged(Verdict.Risky),
            Missing,
            [],
            [],
            ["Verdict:Ok→Risky"]
        ),
        new Case(
            "no target in the spec: no condition, no action",
            ReleaseState.Empty,
            Subject(RollbackMode.None, target: false),
            Judged(Verdict.Risky) with
            {
                Conditions = [],
                TargetRevision = null,
            },
            null,
            [],
            [],
            ["Verdict:none→Risky"]
        ),
        new Case(
            "a conflict: the undo an earlier attempt carried out is recorded now, not carried out again",
            Judged(Verdict.Ok),
            Subject(RollbackMode.Undo),
            Judged(Verdict.Risky),
            At("3"),
            [],
            [],
            ["Verdict:Ok→Risky", "Annotate:Succeeded", "Undo:Succeeded"],
            Unrecorded: [Act(ReleaseAction.Annotate, ActionResult.Succeeded), Act(ReleaseAction.Undo, ActionResult.Succeeded)]
        ),
        new Case(
            "the lease is lost: nothing is done, and the state is the one loaded",
            Judged(Verdict.Ok),
            Subject(RollbackMode.Undo),
            Judged(Verdict.Risky),
            At("2"),
            [],
            [],
            [],
            Leading: false
        ),
        new Case(
            "an invalid spec acts on nothing, whatever the verdict recorded",
            Judged(Verdict.Risky),
            Subject(RollbackMode.Undo, valid: false),
            null,
            At("2"),
            [],
            [],
            []
        ),
        new Case(
            "not enough data is annotated but never undone",
            Judged(Verdict.Ok, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)),
            Subject(RollbackMode.Undo),
            Judged(Verdict.InsufficientData, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)),
            At("2"),
            ["Annotate:InsufficientData"],
            [],
            ["Verdict:Ok→InsufficientData"]
        ),
        new Case(
            "risky with Annotate only: no undo",
            ReleaseState.Empty,
            Subject(RollbackMode.Annotate),
            Judged(Verdict.Risky),
            At("2"),
            ["Annotate:Risky"],
            [],
            ["Verdict:none→Risky"]
        ),
        new Case(
            "the same verdict again tells nothing",
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded)),
            Subject(RollbackMode.Annotate),
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded)) with
            {
                RiskScore = 90,
            },
            At("2"),
            [],
            [],
            []
        ),
        new Case(
            "a verdict back to OK after risky: annotated, never rolled forward",
            Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded), Act(ReleaseAction.Undo, ActionResult.Succeeded)),
            Subject(RollbackMode.Undo),
            Judged(Verdict.Ok, Act(ReleaseAction.Annotate, ActionResult.Succeeded), Act(ReleaseAction.Undo, ActionResult.Succeeded)),
            At("1"),
            ["Annotate:Ok"],
            [],
            ["Verdict:Risky→Ok"]
        ),
    ];

    /// <summary>The rows by name: each runs, and is reported, on its own.</summary>
    public static TheoryData<string> Rows => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decides(string row)
    {
        var c = Cases.Single(x => x.Name == row);
        var planned = ReleasePlanner.Plan(c.Subject);
        var neighbours = c.Binding is null ? null : Neighbours.Alone with { Owns = c.Owns, OnCurrent = c.OnCurrent };
        var seen = new Observation(c.Subject, c.Analysed, c.Target, c.Leading, [.. c.Unrecorded ?? []], c.Binding, neighbours);

        var decision = ReconcileDecision.Decide(c.Stored, planned, seen, Now);

        Assert.Equal(c.Leading, decision.Leading);
        Assert.Equal(c.Intents, decision.Intents.Select(Describe));
        var before = (c.Analysed ?? c.Stored).Actions.AddRange(c.Unrecorded ?? []);
        Assert.Equal(c.Recorded, decision.Next.Actions.Where(a => !before.Contains(a)).Select(a => $"{a.Action}:{a.Result}"));
        Assert.Equal(c.Notices, ReconcileDecision.Notices(c.Stored, decision.Next).Select(Describe));
        if (!c.Leading)
            Assert.Same(c.Stored, decision.Next);
    }

    private static string Describe(TargetIntent i) =>
        i switch
        {
            TargetIntent.Undo u => $"Undo:{u.Verdict}:{u.Revision}",
            _ => $"{i.GetType().Name}:{i.Verdict}",
        };

    private static string Describe(Notice n) =>
        n switch
        {
            Notice.VerdictChanged v => $"Verdict:{v.From?.ToString() ?? "none"}→{v.To}",
            Notice.ActionRecorded a => $"{a.Action.Action}:{a.Action.Result}",
            Notice.Superseded => "Superseded",
            _ => n.ToString(),
        };

    [Fact]
    public void A_metrics_failure_is_announced_once_per_reason_not_at_every_retry()
    {
        var ok = ReleaseState.Empty;
        var noSeries = StatusProjector.SourceFailed(ok, "NoSeriesMatched", "no series", Now, 1);
        var again = StatusProjector.SourceFailed(noSeries, "NoSeriesMatched", "no series", Now.AddMinutes(1), 1);
        var unreachable = StatusProjector.SourceFailed(again, "PrometheusUnreachable", "down", Now.AddMinutes(2), 1);
        Assert.Equal(
            ["MetricsUnavailable { Reason = NoSeriesMatched, Message = no series }"],
            ReconcileDecision.Notices(ok, noSeries).Select(Describe)
        );
        Assert.Empty(ReconcileDecision.Notices(noSeries, again));
        Assert.Equal(
            ["MetricsUnavailable { Reason = PrometheusUnreachable, Message = down }"],
            ReconcileDecision.Notices(again, unreachable).Select(Describe)
        );
    }

    [Fact]
    public void The_table_has_at_least_twenty_rows_each_named_once()
    {
        var names = Cases.Select(c => c.Name).ToList();
        Assert.InRange(names.Count, 20, int.MaxValue);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Nothing_seen_anew_returns_the_state_loaded_so_nothing_is_written()
    {
        var stored = Judged(Verdict.Ok, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok));
        var subject = Subject(RollbackMode.Annotate);
        var decision = ReconcileDecision.Decide(stored, ReleasePlanner.Plan(subject), new Observation(subject, null, At("2"), true, []), Now);
        Assert.Same(stored, decision.Next);
        Assert.Empty(decision.Intents);
    }

    [Fact]
    public void The_judged_revision_is_the_first_one_seen_and_a_later_rollout_does_not_move_it()
    {
        var subject = Subject(RollbackMode.None);
        var planned = ReleasePlanner.Plan(subject);
        var first = ReconcileDecision.Decide(ReleaseState.Empty, planned, new Observation(subject, null, At("4"), true, []), Now).Next;
        var later = ReconcileDecision.Decide(first, planned, new Observation(subject, null, At("5"), true, []), Now.AddMinutes(1)).Next;
        Assert.Equal(("4", "4"), (first.TargetRevision, later.TargetRevision));
        Assert.Contains("at revision 5", later.Condition(ConditionType.TargetFound)!.Message);
    }

    [Fact]
    public void Owed_follows_the_verdict_the_mode_and_the_target()
    {
        Assert.False(ReconcileDecision.Owed(Judged(Verdict.Risky), RollbackMode.None));
        Assert.False(ReconcileDecision.Owed(Judged(null), RollbackMode.Undo));
        Assert.False(ReconcileDecision.Owed(Judged(Verdict.Risky) with { Conditions = [Found(false)] }, RollbackMode.Undo));
        Assert.True(ReconcileDecision.Owed(Judged(Verdict.Ok), RollbackMode.Annotate));
        Assert.False(
            ReconcileDecision.Owed(Judged(Verdict.Ok, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)), RollbackMode.Annotate)
        );
        Assert.True(
            ReconcileDecision.Owed(Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Verdict.Ok)), RollbackMode.Annotate)
        );
        Assert.True(ReconcileDecision.Owed(Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded)), RollbackMode.Undo));
        Assert.False(
            ReconcileDecision.Owed(
                Judged(Verdict.Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded), Act(ReleaseAction.Undo, ActionResult.Skipped)),
                RollbackMode.Undo
            )
        );
    }

    [Fact]
    public void The_record_is_bounded_but_a_carried_out_undo_is_never_dropped()
    {
        var undo = Act(ReleaseAction.Undo, ActionResult.Succeeded) with { At = Earlier.AddHours(-1) };
        ImmutableArray<ActionTaken> many =
        [
            undo,
            .. Enumerable.Range(0, 30).Select(i => Act(ReleaseAction.Annotate, ActionResult.Failed) with { At = Earlier.AddMinutes(i) }),
        ];
        var bounded = ReconcileDecision.Bounded(many);
        Assert.Equal(ReconcileDecision.MaxActions + 1, bounded.Length);
        Assert.Equal(undo, bounded[0]);
        Assert.Equal(many[^1], bounded[^1]);
    }
}
