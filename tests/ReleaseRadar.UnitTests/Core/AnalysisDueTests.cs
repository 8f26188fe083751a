using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.UnitTests.Engine;

namespace ReleaseRadar.UnitTests.Core;

/// <summary>"Is an analysis due?", decided on the same plan the analysis uses.</summary>
public sealed class AnalysisDueTests
{
    private static readonly TrafficShape Healthy = new(Rps: 40);
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-23T14:10:20Z");

    private static async Task<Release> AnalysedAt(DateTimeOffset at, AnalysisDefaults? defaults = null, long generation = 1)
    {
        var release = PlannerTests.Valid();
        release.Metadata.Generation = generation;
        var outcome = await new ReleaseAnalyzer(new ScriptedSource(Healthy, Healthy, TimeSpan.MaxValue)).AnalyzeAsync(
            release,
            at,
            defaults,
            TestContext.Current.CancellationToken
        );
        release.Status = outcome.Status;
        return release;
    }

    [Fact]
    public void A_release_never_analysed_is_due()
    {
        var release = PlannerTests.Valid();
        Assert.True(
            ReleaseAnalyzer.Due(release.Subject, release.Status is null ? null : release.State, ReleasePlanner.Plan(release.Subject), At).Due
        );
    }

    [Fact]
    public async Task The_same_interval_is_not_analysed_twice_and_the_next_one_is_named()
    {
        var release = await AnalysedAt(At);
        var due = ReleaseAnalyzer.Due(
            release.Subject,
            release.Status is null ? null : release.State,
            ReleasePlanner.Plan(release.Subject),
            At.AddSeconds(30)
        );
        Assert.False(due.Due);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T14:11:00Z"), due.Next);
        Assert.True(
            ReleaseAnalyzer
                .Due(release.Subject, release.Status is null ? null : release.State, ReleasePlanner.Plan(release.Subject), At.AddSeconds(45))
                .Due
        ); // 14:11:05: a new interval ended
    }

    [Fact]
    public async Task Operator_defaults_put_the_due_check_on_the_grid_the_analysis_used()
    {
        var defaults = new AnalysisDefaults
        {
            Analysis = new AnalysisSpec { Interval = "5m", Step = "1m" },
        };
        var release = await AnalysedAt(At, defaults);
        // Intervals count from the end of the warm-up (14:02): 14:07, 14:12, … At 14:11:20 the one that ended at 14:07 is analysed.
        var later = At.AddMinutes(1);
        var due = ReleaseAnalyzer.Due(
            release.Subject,
            release.Status is null ? null : release.State,
            ReleasePlanner.Plan(release.Subject, defaults),
            later
        );
        Assert.False(due.Due);
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T14:12:00Z"), due.Next);
        // Planned without the defaults (what the reconciler used to do), the same question gets the wrong answer.
        Assert.True(
            ReleaseAnalyzer.Due(release.Subject, release.Status is null ? null : release.State, ReleasePlanner.Plan(release.Subject), later).Due
        );
    }

    [Fact]
    public async Task A_final_verdict_waits_for_a_spec_change()
    {
        var release = await AnalysedAt(DateTimeOffset.Parse("2026-11-23T15:00:00Z"));
        Assert.Equal("Completed", release.Status!.Phase);
        var due = ReleaseAnalyzer.Due(
            release.Subject,
            release.Status is null ? null : release.State,
            ReleasePlanner.Plan(release.Subject),
            DateTimeOffset.Parse("2026-11-23T16:00:00Z")
        );
        Assert.Equal((false, (DateTimeOffset?)null), (due.Due, due.Next));
        release.Metadata.Generation = 2;
        Assert.True(
            ReleaseAnalyzer
                .Due(
                    release.Subject,
                    release.Status is null ? null : release.State,
                    ReleasePlanner.Plan(release.Subject),
                    DateTimeOffset.Parse("2026-11-23T16:00:00Z")
                )
                .Due
        );
    }

    [Fact]
    public async Task An_invalid_spec_waits_until_it_plans_again()
    {
        var release = PlannerTests.Valid();
        release.Metadata.Generation = 1;
        release.Spec = release.Spec with { Analysis = new AnalysisSpec { Window = "soon" } };
        release.Status = (
            await new ReleaseAnalyzer(new ScriptedSource(Healthy, Healthy, TimeSpan.MaxValue)).AnalyzeAsync(
                release,
                At,
                null,
                TestContext.Current.CancellationToken
            )
        ).Status;
        Assert.False(
            ReleaseAnalyzer.Due(release.Subject, release.Status is null ? null : release.State, ReleasePlanner.Plan(release.Subject), At).Due
        );
        // Same generation, but operator defaults that now make it plan (e.g. after a restart with a fixed --defaults).
        var fixedRelease = PlannerTests.Valid();
        fixedRelease.Metadata.Generation = 1;
        fixedRelease.Status = release.Status;
        Assert.True(
            ReleaseAnalyzer
                .Due(fixedRelease.Subject, fixedRelease.Status is null ? null : fixedRelease.State, ReleasePlanner.Plan(fixedRelease.Subject), At)
                .Due
        );
    }

    [Fact]
    public async Task A_failed_source_is_retried_even_inside_an_analysed_interval()
    {
        var release = await AnalysedAt(At);
        release.Status = StatusWire.ToWire(StatusProjector.SourceFailed(release.State, "PrometheusUnreachable", "down", At.AddSeconds(5), 1));
        Assert.True(
            ReleaseAnalyzer
                .Due(release.Subject, release.Status is null ? null : release.State, ReleasePlanner.Plan(release.Subject), At.AddSeconds(10))
                .Due
        );
    }
}
