using k8s.Models;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Core;

public sealed class PlannerTests
{
    public static Release Valid(Action<ReleaseSpec>? _ = null) =>
        new()
        {
            Metadata = new V1ObjectMeta { Name = "checkout-v2", NamespaceProperty = "shop" },
            Spec = new ReleaseSpec
            {
                Version = "v2",
                DeployedAt = "2026-11-23T14:00:00Z",
                Selector = new() { ["service"] = "checkout" },
            },
        };

    [Fact]
    public void Defaults_apply_to_a_minimal_release()
    {
        var plan = ReleasePlanner.Plan(Valid().Subject).Plan!;
        Assert.Equal(TimeSpan.FromMinutes(30), plan.Window);
        Assert.Equal(TimeSpan.FromMinutes(1), plan.Interval);
        Assert.Equal(TimeSpan.FromMinutes(1), plan.Step);
        Assert.Equal(TimeSpan.FromMinutes(2), plan.Warmup);
        Assert.Equal(TimeSpan.FromHours(1), plan.BaselineWindow);
        Assert.Equal(BaselineMode.BeforeDeploy, plan.Mode);
        Assert.Equal("http_requests_total", plan.Metrics.Requests);
        Assert.Matches(plan.Metrics.ErrorCodes, "404");
        Assert.DoesNotMatch(plan.Metrics.ServerErrorCodes, "404");
        Assert.DoesNotMatch(plan.Metrics.ServerErrorCodes, "5000"); // anchored, like PromQL's =~
        Assert.Equal(AnalysisPolicy.Default, plan.Policy);
        Assert.Equal("shop/checkout-v2", plan.Key);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_field()
    {
        var r = Valid();
        r.Spec = r.Spec with
        {
            DeployedAt = "yesterday",
            Selector = new() { ["bad-label"] = "x" },
            Analysis = new AnalysisSpec
            {
                Window = "30 minutes",
                Interval = "0s",
                Thresholds = new ThresholdsSpec
                {
                    ErrorRate = new ThresholdSpec { MinRatio = 0.5, Alpha = 2 },
                },
            },
            Rollback = "Delete",
            Metrics = new MetricsSpec { ErrorCodes = "([45]" },
        };
        var errors = ReleasePlanner.Plan(r.Subject).Errors;
        Assert.Contains(errors, e => e.StartsWith("spec.deployedAt: 'yesterday' is not an RFC 3339 time", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.selector: 'bad-label' is not a valid Prometheus label name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.analysis.window: '30 minutes' is not a duration", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.analysis.interval: must be greater than zero", StringComparison.Ordinal));
        Assert.Contains(
            errors,
            e => e.StartsWith("spec.analysis.thresholds.errorRate.minRatio: must be a finite number of at least 1", StringComparison.Ordinal)
        );
        Assert.Contains(errors, e => e.StartsWith("spec.analysis.thresholds.errorRate.alpha", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.rollback: 'Delete' is not one of None, Annotate, Undo", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.metrics.errorCodes: '([45]' is not a valid regular expression", StringComparison.Ordinal));
        Assert.Null(ReleasePlanner.Plan(r.Subject).Plan);
    }

    [Fact]
    public void A_release_without_selector_is_invalid()
    {
        var r = Valid();
        r.Spec = r.Spec with { Selector = null };
        Assert.Contains("spec.selector: required, with at least one label (e.g. service: checkout)", ReleasePlanner.Plan(r.Subject).Errors);
    }

    [Fact]
    public void DeployedAt_defaults_to_the_creation_time()
    {
        var r = Valid();
        r.Spec = r.Spec with { DeployedAt = null };
        r.Metadata.CreationTimestamp = new DateTime(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero), ReleasePlanner.Plan(r.Subject).Plan!.DeployedAt);
    }

    [Fact]
    public void Global_defaults_sit_between_the_release_and_the_built_in_values()
    {
        var defaults = new AnalysisDefaults
        {
            Analysis = new AnalysisSpec { Window = "1h", MinRequests = 50 },
            Metrics = new MetricsSpec { Requests = "requests_total" },
        };
        var r = Valid();
        r.Spec = r.Spec with { Analysis = new AnalysisSpec { Window = "20m" } };
        var plan = ReleasePlanner.Plan(r.Subject, defaults).Plan!;
        Assert.Equal(TimeSpan.FromMinutes(20), plan.Window); // the release wins
        Assert.Equal(50, plan.Policy.MinRequests); // then the global default
        Assert.Equal("requests_total", plan.Metrics.Requests);
        Assert.Equal(TimeSpan.FromMinutes(1), plan.Interval); // then the built-in one
    }

    [Fact]
    public void A_baseline_selector_means_a_concurrent_baseline_and_ignores_the_control()
    {
        var r = Valid();
        r.Spec = r.Spec with
        {
            Baseline = new BaselineSpec
            {
                Selector = new() { ["service"] = "checkout", ["track"] = "stable" },
            },
            Control = new ControlSpec { Selector = new() { ["service"] = "catalog" } },
        };
        var plan = ReleasePlanner.Plan(r.Subject).Plan!;
        Assert.Equal(BaselineMode.Concurrent, plan.Mode);
        Assert.Null(plan.ControlSelector);
    }

    [Fact]
    public void Custom_metric_queries_must_use_the_selector_placeholder()
    {
        var r = Valid();
        r.Spec = r.Spec with { CustomMetrics = [new CustomMetricSpec { Name = "queue", Query = "sum(queue_depth)" }] };
        Assert.Contains(
            ReleasePlanner.Plan(r.Subject).Errors,
            e => e.StartsWith("spec.customMetrics[0].query: must contain {{selector}}", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void Steps_too_fine_for_prometheus_are_refused()
    {
        var r = Valid();
        r.Spec = r.Spec with
        {
            Analysis = new AnalysisSpec { Window = "7d", Interval = "1s" },
            Baseline = new BaselineSpec { Window = "7d" },
        };
        Assert.Contains(
            ReleasePlanner.Plan(r.Subject).Errors,
            e => e.Contains("exceeds Prometheus' 11000 points per query", StringComparison.Ordinal)
        );
    }

    [Theory]
    [InlineData("30m", 1800)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData("1d", 86400)]
    public void Durations_parse_like_kubernetes_and_prometheus_write_them(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var d));
        Assert.Equal(seconds, d.TotalSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("-5m")]
    [InlineData("5 m")]
    [InlineData("5x")]
    public void Malformed_durations_are_refused(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Fact]
    public void An_objective_recent_window_and_traffic_settings_are_planned()
    {
        var release = Valid();
        release.Spec = release.Spec with
        {
            Slo = new SloSpec { Objective = 99.9 },
            Analysis = new AnalysisSpec
            {
                RecentWindow = "5m",
                Weights = new WeightsSpec { Traffic = 10 },
                Thresholds = new ThresholdsSpec { Traffic = new ThresholdSpec { MinRatio = 3 } },
            },
        };
        var policy = ReleasePlanner.Plan(release.Subject).Plan!.Policy;
        Assert.Equal(0.999, policy.Slo!.Objective, 9);
        Assert.Equal(1.0, policy.Slo.MaxBurnRateIncrease);
        Assert.Equal(5, policy.RecentSteps);
        Assert.Equal(28, policy.Analyses);
        Assert.Equal(10, policy.Weights.Traffic);
        Assert.Equal(3, policy.Traffic.MinRatio);
    }

    [Fact]
    public void A_bad_objective_names_its_field()
    {
        var release = Valid();
        release.Spec = release.Spec with
        {
            Slo = new SloSpec { Objective = 100, MaxBurnRateIncrease = -1 },
        };
        var errors = ReleasePlanner.Plan(release.Subject).Errors;
        Assert.Contains(errors, e => e.StartsWith("spec.slo.objective: 100 must be a percentage above 0 and below 100", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.slo.maxBurnRateIncrease: must be above 0", StringComparison.Ordinal));
        release.Spec = release.Spec with { Slo = new SloSpec() };
        Assert.Contains("spec.slo.objective: required, as a percentage such as 99.9", ReleasePlanner.Plan(release.Subject).Errors);
    }

    [Theory]
    [InlineData("weights: { latency: .nan }", "spec.analysis.weights.latency")]
    [InlineData("weights: { errors: .inf }", "spec.analysis.weights.errors")]
    [InlineData("riskyScore: .nan", "spec.analysis.riskyScore")]
    [InlineData("power: .nan", "spec.analysis.power")]
    [InlineData("minCoverage: -.inf", "spec.analysis.minCoverage")]
    [InlineData("minRequests: .nan", "spec.analysis.minRequests")]
    [InlineData("thresholds: { latencyP95: { minRatio: .nan } }", "spec.analysis.thresholds.latencyP95.minRatio")]
    [InlineData("thresholds: { errorRate: { minIncrease: .NaN } }", "spec.analysis.thresholds.errorRate.minIncrease")]
    [InlineData("thresholds: { serverErrorRate: { alpha: .nan } }", "spec.analysis.thresholds.serverErrorRate.alpha")]
    public void NaN_or_infinity_in_a_manifest_is_refused_with_the_field_and_line(string analysis, string field)
    {
        var yaml =
            """
                apiVersion: releaseradar.io/v1alpha1
                kind: Release
                metadata: { name: r, namespace: shop }
                spec:
                  deployedAt: "2026-11-23T14:00:00Z"
                  selector: { service: checkout }
                  analysis:
                """
            + "\n    "
            + analysis
            + "\n";
        var e = Assert.Throws<ManifestException>(() => ManifestReader.ReadReleases(yaml, "r.yaml"));
        Assert.StartsWith($"r.yaml: {field} at line 8: ", e.Message);
        Assert.Contains("expected a number (NaN and infinities are not allowed)", e.Message);
    }

    /// <summary>The planner refuses NaN itself too: a Release can reach it without YAML (a defaults object, a test, a future reader).</summary>
    [Fact]
    public void NaN_or_infinity_that_reaches_the_planner_is_refused_with_the_field()
    {
        var release = Valid();
        release.Spec = release.Spec with
        {
            Analysis = new AnalysisSpec
            {
                RiskyScore = double.NaN,
                Power = double.PositiveInfinity,
                Weights = new WeightsSpec { Latency = double.NaN },
            },
        };
        var errors = ReleasePlanner.Plan(release.Subject).Errors;
        Assert.Contains(errors, e => e.StartsWith("spec.analysis.riskyScore:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.analysis.power:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.analysis.weights", StringComparison.Ordinal));
    }
}
