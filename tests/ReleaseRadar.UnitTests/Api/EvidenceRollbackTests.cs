using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api.Evidence;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Api;

/// <summary>The evidence's Rollback column says exactly what was done to the target, and when after the deploy.</summary>
public sealed class EvidenceRollbackTests
{
    private static readonly DateTimeOffset Deployed = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static ReleaseState With(params ActionTaken[] actions) => ReleaseState.Empty with { Actions = [.. actions] };

    private static ActionTaken Undo(int seconds, ActionResult result, string message, string? to = null) =>
        new(Deployed.AddSeconds(seconds), ReleaseAction.Undo, Verdict.Risky, "Deployment shop/checkout", result, message) { ToRevision = to };

    [Fact]
    public void A_rollback_says_when_after_the_deploy_and_to_which_revision()
    {
        Assert.Equal(
            "rolled back at +120 s to revision 2",
            EvidenceProjector.Rollback(With(Undo(120, ActionResult.Succeeded, "done", "2")), Deployed)
        );
        Assert.Equal(
            "rolled back at +1h5m to revision 7",
            EvidenceProjector.Rollback(With(Undo(3900, ActionResult.Succeeded, "done", "7")), Deployed)
        );
    }

    [Fact]
    public void A_refused_or_failed_rollback_says_why()
    {
        Assert.Equal(
            "rollback refused at +90 s: the Deployment runs revision 5, not the judged 4",
            EvidenceProjector.Rollback(With(Undo(90, ActionResult.Skipped, "the Deployment runs revision 5, not the judged 4")), Deployed)
        );
        Assert.StartsWith(
            "rollback failed at +30 s: 403",
            EvidenceProjector.Rollback(With(Undo(30, ActionResult.Failed, "403 forbidden")), Deployed)
        );
    }

    [Fact]
    public void Annotate_only_is_no_rollback_and_says_when_it_annotated()
    {
        var annotated = new ActionTaken(Deployed.AddSeconds(61), ReleaseAction.Annotate, Verdict.Risky, "t", ActionResult.Succeeded, "annotated");
        Assert.Equal("none; annotated at +61 s", EvidenceProjector.Rollback(With(annotated), Deployed));
        Assert.Equal("none", EvidenceProjector.Rollback(ReleaseState.Empty, Deployed));
    }
}
