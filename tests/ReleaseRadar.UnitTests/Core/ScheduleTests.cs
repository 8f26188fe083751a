using ReleaseRadar.Analysis.Planning;

namespace ReleaseRadar.UnitTests.Core;

public sealed class ScheduleTests
{
    private static readonly ReleasePlan Plan = ReleasePlanner.Plan(PlannerTests.Valid().Subject).Plan!;
    private static readonly DateTimeOffset Deploy = Plan.DeployedAt;

    [Fact]
    public void Before_the_deploy_the_release_is_pending()
    {
        Assert.Equal(ReleasePhase.Pending, AnalysisSchedule.At(Plan, Deploy.AddMinutes(-5)).Phase);
    }

    [Fact]
    public void During_the_warmup_nothing_is_analysed()
    {
        var w = AnalysisSchedule.At(Plan, Deploy.AddMinutes(2.5));
        Assert.Equal(ReleasePhase.WarmingUp, w.Phase);
        Assert.False(w.HasData);
        Assert.Equal(Deploy.AddMinutes(3), AnalysisSchedule.NextAnalysis(Plan, Deploy.AddMinutes(2.5)));
    }

    [Fact]
    public void Windows_land_on_the_interval_grid()
    {
        var w = AnalysisSchedule.At(Plan, Deploy.AddMinutes(10).AddSeconds(37));
        Assert.Equal(ReleasePhase.Analyzing, w.Phase);
        Assert.Equal(Deploy.AddMinutes(2), w.CurrentStart);
        Assert.Equal(Deploy.AddMinutes(10), w.CurrentEnd);
        Assert.Equal(Deploy.AddHours(-1), w.BaselineStart);
        Assert.Equal(Deploy, w.BaselineEnd);
        Assert.Equal(8, w.CurrentSteps);
        Assert.Equal(60, w.BaselineSteps);
        Assert.Equal(Deploy.AddMinutes(11), AnalysisSchedule.NextAnalysis(Plan, Deploy.AddMinutes(10).AddSeconds(37)));
    }

    [Fact]
    public void After_the_window_the_analysis_is_final_and_nothing_is_due()
    {
        var w = AnalysisSchedule.At(Plan, Deploy.AddHours(5));
        Assert.Equal(ReleasePhase.Completed, w.Phase);
        Assert.True(w.IsFinal);
        Assert.Equal(Deploy.AddMinutes(30), w.CurrentEnd);
        Assert.Null(AnalysisSchedule.NextAnalysis(Plan, Deploy.AddHours(5)));
    }

    [Fact]
    public void A_replay_visits_every_interval_once()
    {
        var times = AnalysisSchedule.AnalysisTimes(Plan, Deploy.AddHours(1)).ToList();
        Assert.Equal(28, times.Count); // minutes 3..30
        Assert.Equal(times.Distinct().Count(), times.Count);
        Assert.Equal(Deploy.AddMinutes(30), times[^1]);
    }
}
