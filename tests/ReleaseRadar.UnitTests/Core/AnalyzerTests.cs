using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.UnitTests.Engine;

namespace ReleaseRadar.UnitTests.Core;

/// <summary>A metric source of plain values: healthy before <see cref="BreakAfter"/>, broken after it.</summary>
internal sealed class ScriptedSource(TrafficShape healthy, TrafficShape broken, TimeSpan breakAfter) : IReleaseMetricSource
{
    public TimeSpan BreakAfter => breakAfter;
    public int Calls;
    public Exception? Failure;

    public Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows w, CancellationToken cancellationToken)
    {
        Calls++;
        if (Failure is not null)
            throw Failure;
        var random = new Random(w.CurrentEnd.GetHashCode());
        var baseline = healthy.Window(w.BaselineStart, w.BaselineSteps, w.Step, random);
        var current = healthy.Window(
            w.CurrentStart,
            w.CurrentSteps,
            w.Step,
            random,
            i => w.CurrentStart + w.Step * i - plan.DeployedAt > breakAfter ? broken : healthy
        );
        return Task.FromResult(new AnalysisInput(plan.Mode, current, baseline));
    }
}

/// <summary>A metric source that never answers (a Prometheus that accepts the connection and hangs).</summary>
internal sealed class HangingSource : IReleaseMetricSource
{
    public async Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows w, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}

public sealed class AnalyzerTests
{
    [Fact]
    public async Task A_release_not_deployed_yet_says_in_how_long_and_records_its_deploy_time_and_window_end()
    {
        var release = PlannerTests.Valid();
        var at = DateTimeOffset.Parse("2026-11-23T13:57:50Z", System.Globalization.CultureInfo.InvariantCulture);
        var outcome = await new ReleaseAnalyzer(new ScriptedSource(Healthy, Healthy, TimeSpan.MaxValue)).AnalyzeAsync(
            release,
            at,
            null,
            TestContext.Current.CancellationToken
        );
        Assert.Equal("Pending", outcome.Status.Phase);
        Assert.Equal(["Not deployed yet (in 2m10s): spec.deployedAt is 2026-11-23T14:00:00Z"], outcome.Status.Reasons);
        Assert.Equal("2026-11-23T14:00:00Z", outcome.Status.DeployedAt);
        Assert.Equal("2026-11-23T14:30:00Z", outcome.Status.WindowEnd);
    }

    [Fact]
    public async Task A_source_that_hangs_past_the_deadline_becomes_a_condition_and_the_verdict_is_kept()
    {
        var release = PlannerTests.Valid();
        var at = DateTimeOffset.Parse("2026-11-23T14:20:00Z");
        var analysed = await new ReleaseAnalyzer(new ScriptedSource(Healthy, Healthy, TimeSpan.MaxValue)).AnalyzeAsync(
            release,
            at,
            null,
            TestContext.Current.CancellationToken
        );
        release.Status = analysed.Status;

        var hung = await new ReleaseAnalyzer(new HangingSource()).AnalyzeAsync(
            release.Subject,
            release.State,
            at.AddMinutes(1),
            null,
            TestContext.Current.CancellationToken,
            deadline: _ => TimeSpan.FromMilliseconds(200)
        );
        Assert.IsType<AnalysisOutcome.SourceFailed>(hung);
        var condition = hung.Status.Conditions!.Single(c => c.Type == "MetricsAvailable");
        Assert.Equal(("False", "MetricsSourceNoAnswer"), (condition.Status, condition.Reason));
        Assert.Contains("no complete answer within 200ms", condition.Message);
        Assert.Equal(analysed.Status.Verdict, hung.Status.Verdict);
        Assert.Equal(analysed.Status.History!.Count, hung.Status.History!.Count);
    }

    private static readonly TrafficShape Healthy = new(Rps: 40);
    private static readonly TrafficShape SlowerLater = new(Rps: 40, LatencyMedian: 0.2);

    [Fact]
    public async Task Replay_builds_the_timeline_ok_early_riesgoso_later()
    {
        var release = PlannerTests.Valid();
        var source = new ScriptedSource(Healthy, SlowerLater, TimeSpan.FromMinutes(12));
        var outcome = await new ReleaseAnalyzer(source).ReplayAsync(
            release,
            DateTimeOffset.Parse("2026-11-23T15:00:00Z"),
            null,
            TestContext.Current.CancellationToken
        );

        var history = outcome.Status.History!;
        Assert.Equal(28, history.Count);
        Assert.Equal("OK", history.Single(h => h.Elapsed == "10m").Verdict);
        Assert.Equal(StatusWire.Word(Verdict.Risky), history.Single(h => h.Elapsed == "30m").Verdict);
        Assert.Equal("Completed", outcome.Status.Phase);
        Assert.Equal(StatusWire.Word(Verdict.Risky), outcome.Status.Verdict);
        // Latency is not critical: one risky interval does not flip the verdict; two in a row do.
        var firstRisky = history.FindIndex(h => h.Assessment == "Risky");
        Assert.Equal("OK", history[firstRisky].Verdict);
        var firstRiesgoso = history.FindIndex(h => h.Verdict == StatusWire.Word(Verdict.Risky));
        Assert.True(firstRiesgoso > firstRisky);
        Assert.Equal(["Risky", "Risky"], history.Skip(firstRiesgoso - 1).Take(2).Select(h => h.Assessment));
        Assert.Null(outcome.NextAnalysis);
    }

    [Fact]
    public async Task Analysing_the_same_interval_twice_does_not_duplicate_history()
    {
        var release = PlannerTests.Valid();
        var analyzer = new ReleaseAnalyzer(new ScriptedSource(Healthy, Healthy, TimeSpan.MaxValue));
        var at = DateTimeOffset.Parse("2026-11-23T14:10:20Z");
        var first = await analyzer.AnalyzeAsync(release, at, null, TestContext.Current.CancellationToken);
        release.Status = first.Status;
        // a restart inside the same interval
        var again = await analyzer.AnalyzeAsync(release, at.AddSeconds(15), null, TestContext.Current.CancellationToken);
        Assert.Single(again.Status.History!);
        Assert.Equal(first.Status.History![0].Time, again.Status.History![0].Time);
    }

    [Fact]
    public async Task A_source_failure_leaves_the_status_intact_and_says_why()
    {
        var release = PlannerTests.Valid();
        var source = new ScriptedSource(Healthy, Healthy, TimeSpan.MaxValue);
        var analyzer = new ReleaseAnalyzer(source);
        var ok = await analyzer.AnalyzeAsync(release, DateTimeOffset.Parse("2026-11-23T14:10:00Z"), null, TestContext.Current.CancellationToken);
        release.Status = ok.Status;
        source.Failure = new MetricSourceException(
            "PrometheusHttpError",
            "Prometheus at http://p/ answered HTTP 502 with a body that is not a Prometheus API response (text/html): '<html>Bad gateway</html>'"
        );
        var failed = await analyzer.AnalyzeAsync(release, DateTimeOffset.Parse("2026-11-23T14:11:00Z"), null, TestContext.Current.CancellationToken);
        Assert.IsType<AnalysisOutcome.SourceFailed>(failed);
        Assert.Equal(ok.Status.Verdict, failed.Status.Verdict);
        Assert.Equal(ok.Status.History, failed.Status.History);
        Assert.Contains(failed.Status.Conditions!, c => c.Type == "MetricsAvailable" && c.Status == "False" && c.Message!.Contains("HTTP 502"));
        Assert.NotNull(failed.NextAnalysis); // retried at the next interval, not in a hot loop
    }

    [Fact]
    public async Task An_invalid_release_is_not_queried()
    {
        var release = PlannerTests.Valid();
        release.Spec = release.Spec with { Analysis = new AnalysisSpec { Window = "soon" } };
        var source = new ScriptedSource(Healthy, Healthy, TimeSpan.MaxValue);
        var outcome = await new ReleaseAnalyzer(source).AnalyzeAsync(release, DateTimeOffset.UtcNow, null, TestContext.Current.CancellationToken);
        Assert.Equal(0, source.Calls);
        Assert.Equal("Invalid", outcome.Status.Phase);
        Assert.Null(outcome.NextAnalysis);
    }
}
