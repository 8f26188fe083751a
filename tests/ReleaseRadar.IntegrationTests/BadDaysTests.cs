using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Engine;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// The ordinary bad days of issue 23, with their data in a real Prometheus: none may buy a clear regression an OK, and
/// data wrong in shape is refused with a message that names what is wrong.
/// </summary>
public sealed class BadDaysTests(BadDaysPrometheus prometheus) : IClassFixture<BadDaysPrometheus>
{
    private static readonly DateTimeOffset WindowEnd = BadDaysPrometheus.Deploy.AddMinutes(30);

    private async Task<AnalysisOutcome> Replay(string yaml, DateTimeOffset? at = null)
    {
        PrometheusRequirement.EnsureAvailable();
        Assert.NotNull(prometheus.Server);
        using var client = prometheus.NewClient();
        var release = ManifestReader.ReadReleases(yaml).Single();
        return await new ReleaseAnalyzer(new PrometheusReleaseSource(client)).ReplayAsync(
            release,
            at ?? WindowEnd,
            null,
            TestContext.Current.CancellationToken
        );
    }

    private static IEnumerable<string> Verdicts(AnalysisOutcome o) => (o.Status.History ?? []).Select(h => h.Verdict ?? "-");

    [Theory]
    [InlineData("blip", "3m")]
    [InlineData("blip30", "1m")]
    public async Task A_blip_in_the_baseline_followed_by_a_sustained_10_percent_5xx_release_is_riesgoso_on_its_5xx(string scenario, string blip)
    {
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml(scenario));
        Assert.Equal(StatusWire.Word(Verdict.Risky), outcome.Status.Verdict);
        Assert.DoesNotContain(StatusWire.Word(Verdict.Ok), Verdicts(outcome));
        // Its own 5xx decide it, not the latency the regression also brings.
        Assert.Equal("Regressed", outcome.Status.Metrics!.Single(m => m.Name == CheckNames.ServerErrorRate).Outcome);
        var reason = Assert.Single(outcome.Status.Reasons!, r => r.StartsWith("5xx rate up", StringComparison.Ordinal));
        // What was left out is said as observed: the blip's level and length, and how long before the deploy.
        Assert.Matches($@"left out of its baseline: \d+(\.\d+)?% for {blip}, 3\dm(\d+s)? before the deploy", reason);
        Assert.DoesNotContain("not unusual", reason, StringComparison.Ordinal);
        // The baseline the status shows is the one the release was judged against.
        Assert.InRange(outcome.Status.Baseline!.ServerErrorRate!.Value, 0.001, 0.004);
    }

    [Fact]
    public async Task A_long_incident_in_the_baseline_is_not_read_as_the_release_going_down()
    {
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml("incident"));
        Assert.NotEqual(StatusWire.Word(Verdict.Ok), outcome.Status.Verdict);
        Assert.DoesNotContain(StatusWire.Word(Verdict.Ok), Verdicts(outcome));
        Assert.DoesNotContain(outcome.Status.Reasons!, r => r.StartsWith("5xx rate down", StringComparison.Ordinal));
        Assert.Contains(outcome.Status.Reasons!, r => r.Contains("5xx rate not judged: its baseline was not steady", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_incident_with_a_healthy_release_is_never_riesgoso()
    {
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml("incident-good"));
        Assert.DoesNotContain(StatusWire.Word(Verdict.Risky), Verdicts(outcome));
    }

    [Fact]
    public async Task A_regression_whose_deploy_time_is_5_minutes_late_is_dated_before_it_and_never_ok()
    {
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml("blip", late: TimeSpan.FromMinutes(5)), WindowEnd.AddMinutes(5));
        Assert.Equal(StatusWire.Word(Verdict.Risky), outcome.Status.Verdict);
        Assert.DoesNotContain(StatusWire.Word(Verdict.Ok), Verdicts(outcome));
        Assert.Contains(outcome.Status.Reasons!, r => r.Contains("the change began 5m", StringComparison.Ordinal));
        Assert.Equal("-5m", outcome.Status.History![^1].Onset);
    }

    [Fact]
    public async Task Series_whose_status_label_is_status_code_are_refused_naming_the_label_and_the_labels_they_carry()
    {
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml("labels"));
        var failed = Assert.IsType<AnalysisOutcome.SourceFailed>(outcome);
        Assert.Equal("StatusLabelMissing", failed.Reason);
        Assert.Contains("without the status label 'code'", failed.Message, StringComparison.Ordinal);
        Assert.Contains("status_code looks like the status code", failed.Message, StringComparison.Ordinal);
        Assert.Null(outcome.Status.Verdict);
        Assert.Contains(outcome.Status.Conditions!, c => c is { Type: "MetricsAvailable", Status: "False", Reason: "StatusLabelMissing" });
    }

    [Fact]
    public async Task Latency_buckets_that_are_not_cumulative_are_refused_and_latency_is_not_judged_on_them()
    {
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml("good", "  metrics:\n    latencyHistogram: broken_duration_seconds\n"));
        Assert.NotEqual(StatusWire.Word(Verdict.Ok), outcome.Status.Verdict);
        Assert.Contains(
            outcome.Status.Reasons!,
            r => r.Contains("not a valid Prometheus histogram: the buckets are not cumulative (le=\"0.1\"", StringComparison.Ordinal)
        );
        Assert.Equal("NoData", outcome.Status.Metrics!.Single(m => m.Name == CheckNames.LatencyP95).Outcome);
    }

    [Fact]
    public async Task A_label_name_ending_in_a_newline_is_refused_before_any_query()
    {
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml("good").Replace("    service: checkout", "    \"service\\n\": checkout"));
        var invalid = Assert.IsType<AnalysisOutcome.Invalid>(outcome);
        Assert.Contains(invalid.Errors, e => e.Contains("is not a valid Prometheus label name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_placeholder_inside_a_selector_value_stays_text()
    {
        var custom = """
              customMetrics:
                - name: served
                  query: 'sum(rate(http_requests_total{ {{selector}} }[1m]))'
                  direction: DecreaseIsBad
            """;
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml("tmpl{{step}}", custom));
        var served = outcome.Status.Metrics!.Single(m => m.Name == "served");
        Assert.NotEqual("NoData", served.Outcome);
        Assert.InRange(served.Current!.Value, 30, 50);
    }

    [Fact]
    public async Task A_15_second_step_on_15_second_scrapes_reads_two_scrapes_per_step_and_has_every_step()
    {
        var timings = """
              baseline:
                window: 2m
              analysis:
                window: 5m
                interval: 15s
                step: 15s
                warmup: 15s
            """;
        var outcome = await Replay(BadDaysPrometheus.ReleaseYaml("good", timings), BadDaysPrometheus.Deploy.AddMinutes(5));
        Assert.Equal("15s", outcome.Status.Sampling!.ScrapeInterval);
        Assert.Equal("30s", outcome.Status.Sampling!.QueryRange);
        // One sample per 15 s range used to leave steps empty ("the baseline window has gaps"); two leave none.
        Assert.DoesNotContain(outcome.Status.Reasons!, r => r.Contains("gaps", StringComparison.Ordinal));
        Assert.Equal(19, outcome.Status.Current!.Requests > 0 ? outcome.Status.History!.Count : 0);
        Assert.Equal("OK", outcome.Status.Verdict);
    }
}
