using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Engine;

public sealed class VerdictDeciderTests
{
    private static readonly AnalysisPolicy Policy = AnalysisPolicy.Default;

    [Fact]
    public void One_risky_interval_after_ok_keeps_ok()
    {
        var d = VerdictDecider.Decide(Assessment.Risky, [Assessment.Ok, Assessment.Ok], Verdict.Ok, Policy, isFinal: false);
        Assert.Equal(Verdict.Ok, d.Verdict);
        Assert.Equal((DecisionBasis.AwaitingConfirmation, Verdict.Risky, 1, 2), (d.Basis, d.Proposed, d.Streak, d.Needed));
    }

    [Fact]
    public void Two_consecutive_risky_intervals_flip_to_riesgoso()
    {
        var d = VerdictDecider.Decide(Assessment.Risky, [Assessment.Ok, Assessment.Risky], Verdict.Ok, Policy, isFinal: false);
        Assert.Equal(Verdict.Risky, d.Verdict);
    }

    [Fact]
    public void A_critical_regression_flips_at_once()
    {
        Assert.Equal(Verdict.Risky, VerdictDecider.Decide(Assessment.Critical, [Assessment.Ok], Verdict.Ok, Policy, false).Verdict);
    }

    [Fact]
    public void The_final_analysis_decides_without_confirmation()
    {
        Assert.Equal(Verdict.Risky, VerdictDecider.Decide(Assessment.Risky, [Assessment.Ok], Verdict.Ok, Policy, isFinal: true).Verdict);
    }

    [Fact]
    public void An_unconfirmed_first_risky_interval_gives_no_verdict_yet()
    {
        var d = VerdictDecider.Decide(Assessment.Risky, [], null, Policy, false);
        Assert.Null(d.Verdict);
    }

    [Fact]
    public void The_first_ok_is_immediate_and_so_is_leaving_insufficient_data()
    {
        Assert.Equal(Verdict.Ok, VerdictDecider.Decide(Assessment.Ok, [], null, Policy, false).Verdict);
        Assert.Equal(
            Verdict.Ok,
            VerdictDecider.Decide(Assessment.Ok, [Assessment.InsufficientData], Verdict.InsufficientData, Policy, false).Verdict
        );
    }

    [Fact]
    public void A_data_gap_does_not_erase_an_established_verdict_at_once()
    {
        Assert.Equal(Verdict.Risky, VerdictDecider.Decide(Assessment.InsufficientData, [Assessment.Critical], Verdict.Risky, Policy, false).Verdict);
    }

    [Fact]
    public void Alternating_assessments_never_flap()
    {
        Verdict? verdict = null;
        var history = new List<Assessment>();
        var seen = new List<Verdict?>();
        for (var i = 0; i < 20; i++)
        {
            var a = i % 2 == 0 ? Assessment.Ok : Assessment.Risky;
            verdict = VerdictDecider.Decide(a, history, verdict, Policy, false).Verdict;
            history.Add(a);
            seen.Add(verdict);
        }
        Assert.All(seen, v => Assert.Equal(Verdict.Ok, v));
    }
}
