using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator.Controller;
using ReleaseRadar.UnitTests.Core;

namespace ReleaseRadar.UnitTests.Operator;

/// <summary>What spec.rollback still owes the target, and how the action record is bounded: plain values, no API server.</summary>
public sealed class DeploymentActionsTests
{
    private static readonly string Ok = StatusWire.Word(Verdict.Ok);
    private static readonly string Risky = StatusWire.Word(Verdict.Riesgoso);

    private static Release With(string rollback, string? verdict, params ActionRecord[] actions)
    {
        var r = PlannerTests.Valid();
        r.Spec = r.Spec with
        {
            Rollback = rollback,
            Target = new TargetReference { Name = "checkout" },
        };
        r.Status = new ReleaseStatus { Verdict = verdict, Actions = [.. actions] };
        return r;
    }

    private static ActionRecord Act(ReleaseAction action, ActionResult result, string verdict) =>
        new()
        {
            Action = StatusWire.Word(action),
            Result = StatusWire.Word(result),
            Verdict = verdict,
            Time = "2026-11-23T14:10:00Z",
        };

    private static bool Owed(Release r) => DeploymentActions.Owed(r, r.Status);

    [Fact]
    public void Nothing_is_owed_without_rollback_a_verdict_or_a_target()
    {
        Assert.False(Owed(With("None", Risky)));
        Assert.False(Owed(With("Undo", null)));
        var missing = With("Annotate", Ok);
        missing.Status = missing.Status! with
        {
            Conditions = Conditions.Set(null, Conditions.TargetFound, false, "DeploymentNotFound", "gone", "2026-11-23T14:10:00Z", 1),
        };
        Assert.False(Owed(missing)); // nothing to act on
    }

    [Fact]
    public void An_annotation_is_owed_for_each_verdict_until_one_succeeds()
    {
        Assert.True(Owed(With("Annotate", Ok)));
        Assert.False(Owed(With("Annotate", Ok, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Ok))));
        Assert.True(Owed(With("Annotate", Risky, Act(ReleaseAction.Annotate, ActionResult.Succeeded, Ok)))); // a new verdict
        Assert.True(Owed(With("Annotate", Ok, Act(ReleaseAction.Annotate, ActionResult.Failed, Ok)))); // a failure stays owed
    }

    [Fact]
    public void An_undo_is_owed_once_for_a_risky_verdict_and_a_skipped_one_is_final()
    {
        var annotated = Act(ReleaseAction.Annotate, ActionResult.Succeeded, Risky);
        Assert.True(Owed(With("Undo", Risky, annotated)));
        Assert.False(Owed(With("Annotate", Risky, annotated))); // Annotate mode never rolls back
        Assert.True(Owed(With("Undo", Risky, annotated, Act(ReleaseAction.Undo, ActionResult.Failed, Risky))));
        Assert.False(Owed(With("Undo", Risky, annotated, Act(ReleaseAction.Undo, ActionResult.Skipped, Risky))));
        Assert.False(Owed(With("Undo", Risky, annotated, Act(ReleaseAction.Undo, ActionResult.Succeeded, Risky))));
    }

    [Fact]
    public void The_record_is_bounded_but_a_carried_out_undo_is_never_dropped()
    {
        var undo = Act(ReleaseAction.Undo, ActionResult.Succeeded, Risky);
        var failedUndo = Act(ReleaseAction.Undo, ActionResult.Failed, Risky) with { Time = "2026-11-23T14:09:00Z" };
        var annotations = Enumerable
            .Range(0, 40)
            .Select(i => Act(ReleaseAction.Annotate, ActionResult.Succeeded, i % 2 == 0 ? Ok : Risky) with { Message = $"#{i}" })
            .ToList();
        var bounded = DeploymentActions.Bounded([failedUndo, undo, .. annotations]);
        Assert.Equal(DeploymentActions.MaxActions + 1, bounded.Count);
        Assert.Equal(undo, bounded[0]);
        Assert.DoesNotContain(failedUndo, bounded); // a failed attempt is history, not a fact to keep forever
        Assert.Equal("#39", bounded[^1].Message);
    }
}
