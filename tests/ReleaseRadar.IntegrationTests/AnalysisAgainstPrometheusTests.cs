using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Engine;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.IntegrationTests;

public sealed class AnalysisAgainstPrometheusTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static readonly DateTimeOffset WindowEnd = BackfilledPrometheus.Deploy.AddMinutes(30);

    private async Task<AnalysisOutcome> Analyze(string yaml, DateTimeOffset? at = null)
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

    [Fact]
    public async Task A_good_release_is_ok()
    {
        var outcome = await Analyze(BackfilledPrometheus.ReleaseYaml("good"));
        Assert.Equal("OK", outcome.Status.Verdict);
        Assert.Equal("Completed", outcome.Status.Phase);
        Assert.Equal(28, outcome.Status.History!.Count);
        Assert.InRange(outcome.Status.Current!.Throughput!.Value, 30, 50);
    }

    [Fact]
    public async Task An_error_regression_is_riesgoso_with_its_reason()
    {
        var outcome = await Analyze(BackfilledPrometheus.ReleaseYaml("errors"));
        Assert.Equal(StatusWire.Word(Verdict.Risky), outcome.Status.Verdict);
        Assert.Contains(
            outcome.Status.Reasons!,
            r => r.StartsWith("5xx rate up", StringComparison.Ordinal) && r.EndsWith("[critical]", StringComparison.Ordinal)
        );
        Assert.Contains(outcome.Status.Conditions!, c => c.Type == "Risky" && c.Status == "True" && c.Reason == "CriticalRegression");
    }

    [Fact]
    public async Task A_latency_regression_is_riesgoso()
    {
        var outcome = await Analyze(BackfilledPrometheus.ReleaseYaml("latency"));
        Assert.Equal(StatusWire.Word(Verdict.Risky), outcome.Status.Verdict);
        Assert.Contains(outcome.Status.Reasons!, r => r.StartsWith("P95 latency up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_traffic_spike_is_not_blamed_on_the_release_when_a_control_shows_it_too()
    {
        var withControl = await Analyze(BackfilledPrometheus.ReleaseYaml("spike", control: true));
        Assert.NotEqual(StatusWire.Word(Verdict.Risky), withControl.Status.Verdict);
        Assert.NotNull(withControl.Status.Control);
        var withoutControl = await Analyze(BackfilledPrometheus.ReleaseYaml("spike"));
        Assert.Equal(StatusWire.Word(Verdict.Risky), withoutControl.Status.Verdict); // the control is what makes the difference
    }

    [Fact]
    public async Task Low_traffic_is_not_enough_data()
    {
        var outcome = await Analyze(BackfilledPrometheus.ReleaseYaml("trickle"));
        Assert.Equal(StatusWire.Word(Verdict.InsufficientData), outcome.Status.Verdict);
        // ~0.4 req/s for 28 minutes clears the 500-request floor but cannot show a doubling of the error rate.
        Assert.Contains(
            outcome.Status.Reasons!,
            r => r.StartsWith("Error rate not judged:", StringComparison.Ordinal) && r.Contains("cannot rule out", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task An_outage_of_the_series_is_not_enough_data_never_ok()
    {
        var outcome = await Analyze(BackfilledPrometheus.ReleaseYaml("outage"));
        Assert.Equal(StatusWire.Word(Verdict.InsufficientData), outcome.Status.Verdict);
        Assert.Contains(outcome.Status.Conditions!, c => c.Type == "DataSufficient" && c.Status == "False");
    }

    [Fact]
    public async Task A_selector_matching_nothing_says_so()
    {
        // A setup mistake, not a quiet service: no verdict, and the condition names it.
        var outcome = await Analyze(BackfilledPrometheus.ReleaseYaml("does-not-exist"));
        var failed = Assert.IsType<AnalysisOutcome.SourceFailed>(outcome);
        Assert.Equal("NoSeriesMatched", failed.Reason);
        Assert.Null(outcome.Status.Verdict);
        Assert.Contains(
            outcome.Status.Conditions!,
            c => c is { Type: "MetricsAvailable", Status: "False", Reason: "NoSeriesMatched" } && c.Message!.Contains("does-not-exist")
        );
    }

    [Fact]
    public async Task A_hostile_selector_value_cannot_inject_promql()
    {
        // Were the value interpolated raw, `or vector(1)` would make every query return data.
        const string hostile = "x\\\"} or vector(1) or up{a=\\\"";
        var outcome = await Analyze(BackfilledPrometheus.ReleaseYaml(hostile));
        var failed = Assert.IsType<AnalysisOutcome.SourceFailed>(outcome);
        Assert.Equal("NoSeriesMatched", failed.Reason);
        // The value, escaped, as one matcher of the query the message names.
        var matchers = PromQl.Matchers(new Dictionary<string, string> { ["scenario"] = hostile, ["service"] = "checkout" });
        Assert.Contains($"http_requests_total{{{matchers}}}", failed.Message);
    }

    [Fact]
    public async Task A_retrospective_analysis_shows_the_verdict_as_it_was_then()
    {
        var early = await Analyze(BackfilledPrometheus.ReleaseYaml("errors"), BackfilledPrometheus.Deploy.AddMinutes(1));
        Assert.Equal("WarmingUp", early.Status.Phase);
        Assert.Null(early.Status.Verdict);
        var midway = await Analyze(BackfilledPrometheus.ReleaseYaml("good"), BackfilledPrometheus.Deploy.AddMinutes(10));
        Assert.Equal("Analyzing", midway.Status.Phase);
        Assert.Equal(8, midway.Status.History!.Count);
    }

    [Fact]
    public async Task A_broken_custom_query_gives_prometheus_own_error_and_keeps_nothing_half_written()
    {
        var outcome = await Analyze(
            BackfilledPrometheus.ReleaseYaml(
                "good",
                "  customMetrics:\n    - name: broken\n      query: 'sum(rate(http_requests_total{ {{selector}} }[{{step}}]) by'\n"
            )
        );
        Assert.IsType<AnalysisOutcome.SourceFailed>(outcome);
        var condition = Assert.Single(outcome.Status.Conditions!, c => c.Type == "MetricsAvailable");
        Assert.Equal("PrometheusQueryError", condition.Reason);
        Assert.Contains("bad_data", condition.Message);
        Assert.Null(outcome.Status.Verdict);
    }

    [Fact]
    public async Task A_custom_query_returning_several_series_is_refused_clearly()
    {
        var outcome = await Analyze(
            BackfilledPrometheus.ReleaseYaml(
                "good",
                "  customMetrics:\n    - name: by_code\n      query: 'sum by (code) (rate(http_requests_total{ {{selector}} }[{{step}}]))'\n"
            )
        );
        var condition = Assert.Single(outcome.Status.Conditions!, c => c.Type == "MetricsAvailable");
        Assert.Equal("CustomMetricNotScalar", condition.Reason);
        Assert.Contains("must aggregate to one", condition.Message);
    }

    [Fact]
    public async Task A_custom_metric_is_judged_from_prometheus()
    {
        var outcome = await Analyze(
            BackfilledPrometheus.ReleaseYaml(
                "errors",
                "  customMetrics:\n    - name: server_errors_per_second\n      query: 'sum(rate(http_requests_total{ {{selector}}, "
                    + "code=~\"5..\" }[{{step}}]))'\n      weight: 10\n      minRatio: 2\n"
            )
        );
        var metric = Assert.Single(outcome.Status.Metrics!, m => m.Name == "server_errors_per_second");
        Assert.Equal("Regressed", metric.Outcome);
    }
}
