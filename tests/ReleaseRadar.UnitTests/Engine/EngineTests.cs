using System.Collections.Immutable;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Engine;

public sealed class EngineTests
{
    private static readonly TrafficShape Healthy = new();

    [Fact]
    public void Identical_distributions_never_give_riesgoso()
    {
        // Property over 150 seeds: release and baseline drawn from the same process.
        var risky = new List<int>();
        for (var seed = 1; seed <= 150; seed++)
        {
            var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(seed, Healthy, Healthy), AnalysisPolicy.Default);
            if (result.Assessment is Assessment.Risky or Assessment.Critical)
                risky.Add(seed);
        }
        Assert.Empty(risky);
    }

    [Fact]
    public void A_window_whose_every_sample_was_invalid_says_so_instead_of_blaming_the_selector()
    {
        var input = Inputs.BeforeAfter(1, Healthy, Healthy);
        var broken = input with
        {
            Current = TrafficWindow.Empty(input.Current.Start, input.Current.End, input.Current.Step) with { InvalidValues = 87 },
        };
        var result = ReleaseAnalysisEngine.Analyze(broken, AnalysisPolicy.Default);
        Assert.Equal(Assessment.InsufficientData, result.Assessment);
        Assert.Contains(
            result.Reasons,
            r => r.StartsWith("Every sample in the release window", StringComparison.Ordinal) && r.Contains("87 NaN, ±Inf or negative values")
        );
        Assert.DoesNotContain(result.Reasons, r => r.Contains("check the selector"));
        var empty = input with { Current = TrafficWindow.Empty(input.Current.Start, input.Current.End, input.Current.Step) };
        Assert.Contains(ReleaseAnalysisEngine.Analyze(empty, AnalysisPolicy.Default).Reasons, r => r.Contains("check the selector"));
    }

    [Fact]
    public void Identical_distributions_with_noisy_low_volume_traffic_never_give_riesgoso()
    {
        var shape = new TrafficShape(Rps: 3, ErrorRate: 0.02, ServerErrorRate: 0.01, LatencySigma: 0.8);
        for (var seed = 1; seed <= 100; seed++)
        {
            var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(seed, shape, shape), AnalysisPolicy.Default);
            Assert.True(
                result.Assessment is Assessment.Ok or Assessment.InsufficientData,
                $"seed {seed}: {result.Assessment} {string.Join(" | ", result.Reasons)}"
            );
        }
    }

    [Fact]
    public void Tripling_traffic_on_release_and_control_leaves_a_healthy_verdict_unchanged()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            var normal = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(seed, Healthy, Healthy, Healthy, Healthy), AnalysisPolicy.Default);
            var tripled = Healthy with { Rps = Healthy.Rps * 3 };
            var spiked = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(seed, Healthy, tripled, Healthy, tripled), AnalysisPolicy.Default);
            Assert.Equal(Assessment.Ok, normal.Assessment);
            Assert.Equal(normal.Assessment, spiked.Assessment);
        }
    }

    [Fact]
    public void Tripling_traffic_on_release_and_control_leaves_a_regression_risky()
    {
        var broken = Healthy with { ServerErrorRate = 0.03, ErrorRate = 0.033 };
        for (var seed = 1; seed <= 20; seed++)
        {
            var normal = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(seed, Healthy, broken, Healthy, Healthy), AnalysisPolicy.Default);
            var spiked = ReleaseAnalysisEngine.Analyze(
                Inputs.BeforeAfter(seed, Healthy, broken with { Rps = 150 }, Healthy, Healthy with { Rps = 150 }),
                AnalysisPolicy.Default
            );
            Assert.Equal(Assessment.Critical, normal.Assessment);
            Assert.Equal(normal.Assessment, spiked.Assessment);
        }
    }

    [Fact]
    public void A_five_xx_regression_is_critical_with_numbers_in_the_reason()
    {
        var broken = Healthy with { ServerErrorRate = 0.03, ErrorRate = 0.033 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(7, Healthy, broken), AnalysisPolicy.Default);
        Assert.Equal(Assessment.Critical, result.Assessment);
        Assert.True(result.RiskScore >= 60, $"score {result.RiskScore}");
        var reason = Assert.Single(result.Reasons, r => r.StartsWith("5xx rate up", StringComparison.Ordinal));
        Assert.Matches(@"5xx rate up \d+% \(0\.\d\d% → [23]\.\d\d%, p<0\.001\) vs baseline \[critical\]", reason);
    }

    [Fact]
    public void A_latency_regression_alone_is_risky_but_not_critical()
    {
        var slow = Healthy with { LatencyMedian = 0.08 * 1.6 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(5, Healthy, slow), AnalysisPolicy.Default);
        Assert.Equal(Assessment.Risky, result.Assessment);
        // Latency carries 30 of 100 points; unconfirmed wobble elsewhere adds at most 0.2 of each other weight.
        Assert.InRange(result.RiskScore, 25, 44);
        Assert.DoesNotContain(result.Findings, f => f.Group is "errors" or "serverErrors" && f.Outcome == FindingOutcome.Regressed);
        Assert.Contains(result.Findings, f => f.Check == CheckNames.LatencyP95 && f.Outcome == FindingOutcome.Regressed);
        Assert.Contains(
            result.Reasons,
            r => r.StartsWith("P95 latency up", StringComparison.Ordinal) && r.Contains(" ms → ", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void A_small_latency_shift_is_at_most_suspicious()
    {
        var slightly = Healthy with { LatencyMedian = 0.08 * 1.08 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(9, Healthy, slightly), AnalysisPolicy.Default);
        Assert.Equal(Assessment.Ok, result.Assessment);
        Assert.DoesNotContain(result.Findings, f => f.Outcome == FindingOutcome.Regressed);
    }

    [Fact]
    public void An_improvement_is_not_a_regression()
    {
        var better = Healthy with { ServerErrorRate = 0.0005, ErrorRate = 0.002, LatencyMedian = 0.05 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(2, Healthy, better), AnalysisPolicy.Default);
        Assert.Equal(Assessment.Ok, result.Assessment);
        Assert.All(result.Findings.Where(f => f.Group != "context"), f => Assert.Equal(0, f.Severity));
    }

    [Fact]
    public void A_shared_spike_is_discounted_with_a_control_and_blamed_without_one()
    {
        var spiked = Healthy with { Rps = 150, ServerErrorRate = 0.017, ErrorRate = 0.02, LatencyMedian = 0.08 * 1.35 };
        var withControl = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(4, Healthy, spiked, Healthy, spiked), AnalysisPolicy.Default);
        var withoutControl = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(4, Healthy, spiked), AnalysisPolicy.Default);
        Assert.Equal(Assessment.Ok, withControl.Assessment);
        Assert.Contains(withControl.Reasons, r => r.Contains("but the control rose too", StringComparison.Ordinal));
        Assert.Equal(Assessment.Critical, withoutControl.Assessment);
    }

    [Fact]
    public void A_regression_beyond_the_control_is_still_caught()
    {
        var controlSpike = Healthy with { ServerErrorRate = 0.006, ErrorRate = 0.009 };
        var release = Healthy with { ServerErrorRate = 0.05, ErrorRate = 0.053 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(8, Healthy, release, Healthy, controlSpike), AnalysisPolicy.Default);
        Assert.Equal(Assessment.Critical, result.Assessment);
        Assert.Contains(result.Reasons, r => r.Contains("beyond the control's change", StringComparison.Ordinal));
    }

    [Fact]
    public void Low_traffic_gives_not_enough_data_with_the_count()
    {
        var trickle = Healthy with { Rps = 0.1 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(1, Healthy, trickle), AnalysisPolicy.Default);
        Assert.Equal(Assessment.InsufficientData, result.Assessment);
        Assert.Contains(
            result.Reasons,
            r =>
                r.StartsWith("Only ", StringComparison.Ordinal)
                && r.EndsWith("requests in the release window (minimum 500)", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void Enough_requests_for_the_floor_but_not_for_the_test_is_not_ok()
    {
        // ~0.5 req/s for 30 minutes: above the 500-request floor, far below the ~2,500 needed to see a doubling of 0.5 %.
        var thin = Healthy with
        {
            Rps = 0.5,
        };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(3, Healthy, thin), AnalysisPolicy.Default with { MinRequests = 100 });
        Assert.Equal(Assessment.InsufficientData, result.Assessment);
        Assert.Contains(
            result.Reasons,
            r => r.StartsWith("Error rate not judged:", StringComparison.Ordinal) && r.Contains("cannot rule out a rise to", StringComparison.Ordinal)
        );
    }

    [Fact]
    public void A_blatant_regression_is_caught_even_with_little_traffic()
    {
        var thinAndBroken = Healthy with { Rps = 0.5, ServerErrorRate = 0.3, ErrorRate = 0.3 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(3, Healthy, thinAndBroken), AnalysisPolicy.Default with { MinRequests = 100 });
        Assert.Equal(Assessment.Critical, result.Assessment);
    }

    [Fact]
    public void An_empty_release_window_says_nothing_matched()
    {
        var input = Inputs.BeforeAfter(1, Healthy, Healthy);
        input = input with { Current = TrafficWindow.Empty(Inputs.Deploy, Inputs.Deploy.AddMinutes(30), Inputs.Step) };
        var result = ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default);
        Assert.Equal(Assessment.InsufficientData, result.Assessment);
        Assert.Contains(result.Reasons, r => r.StartsWith("No requests matched in the release window", StringComparison.Ordinal));
    }

    [Fact]
    public void Gaps_below_the_coverage_floor_give_not_enough_data()
    {
        var input = Inputs.BeforeAfter(1, Healthy, Healthy);
        var sparse = input.Current with { Steps = [.. input.Current.Steps.Where((_, i) => i % 4 == 0)] };
        var result = ReleaseAnalysisEngine.Analyze(input with { Current = sparse }, AnalysisPolicy.Default);
        Assert.Equal(Assessment.InsufficientData, result.Assessment);
        Assert.Contains(result.Reasons, r => r.Contains("of 30 steps in the release window", StringComparison.Ordinal));
    }

    [Fact]
    public void Dropped_nan_values_are_reported()
    {
        var input = Inputs.BeforeAfter(1, Healthy, Healthy);
        var result = ReleaseAnalysisEngine.Analyze(input with { Baseline = input.Baseline with { InvalidValues = 3 } }, AnalysisPolicy.Default);
        Assert.Contains("Ignored 3 NaN, infinite or negative value(s) from Prometheus in the baseline window", result.Reasons);
    }

    [Fact]
    public void A_confirmed_regression_is_risky_even_when_another_metric_lacks_data()
    {
        var input = Inputs.BeforeAfter(1, Healthy, Healthy with { ErrorRate = 0.04, ServerErrorRate = 0.002 });
        static TrafficWindow Strip(TrafficWindow w) => w with { Steps = [.. w.Steps.Select(s => s with { Latency = null })] };
        var result = ReleaseAnalysisEngine.Analyze(
            input with
            {
                Current = Strip(input.Current),
                Baseline = Strip(input.Baseline),
            },
            AnalysisPolicy.Default
        );
        Assert.Equal(Assessment.Risky, result.Assessment);
        Assert.Contains(result.Reasons, r => r.StartsWith("Error rate up", StringComparison.Ordinal));
        Assert.Contains(result.Reasons, r => r.Contains("no latency histogram data matched", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_latency_histogram_blocks_an_ok_verdict()
    {
        var input = Inputs.BeforeAfter(1, Healthy, Healthy);
        static TrafficWindow Strip(TrafficWindow w) => w with { Steps = [.. w.Steps.Select(s => s with { Latency = null })] };
        var result = ReleaseAnalysisEngine.Analyze(
            input with
            {
                Current = Strip(input.Current),
                Baseline = Strip(input.Baseline),
            },
            AnalysisPolicy.Default
        );
        Assert.Equal(Assessment.InsufficientData, result.Assessment);
        Assert.Contains(result.Reasons, r => r.Contains("no latency histogram data matched", StringComparison.Ordinal));

        var withoutLatency = AnalysisPolicy.Default with { Weights = AnalysisPolicy.Default.Weights with { Latency = 0 } };
        Assert.Equal(
            Assessment.Ok,
            ReleaseAnalysisEngine.Analyze(input with { Current = Strip(input.Current), Baseline = Strip(input.Baseline) }, withoutLatency).Assessment
        );
    }

    [Fact]
    public void The_engine_is_deterministic()
    {
        var a = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(42, Healthy, Healthy with { LatencyMedian = 0.1 }), AnalysisPolicy.Default);
        var b = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(42, Healthy, Healthy with { LatencyMedian = 0.1 }), AnalysisPolicy.Default);
        Assert.Equal(a.RiskScore, b.RiskScore);
        Assert.Equal(a.Reasons, b.Reasons);
    }

    [Fact]
    public void Custom_metrics_are_judged_in_their_direction()
    {
        var input = Inputs.BeforeAfter(1, Healthy, Healthy);
        static ScalarWindow Series(DateTimeOffset start, double level, int n) =>
            new([.. Enumerable.Range(1, n).Select(i => new ScalarPoint(start.AddMinutes(i), level + (i % 3)))], n);
        var custom = new CustomMetricData(
            "cache_hit_ratio",
            Series(Inputs.Deploy, 40, 30),
            Series(Inputs.Deploy.AddMinutes(-60), 90, 60),
            null,
            null
        );
        var policy = AnalysisPolicy.Default with
        {
            Custom = [new CustomCheckPolicy("cache_hit_ratio", new Thresholds(1.5, 10, 0.01, false), 40, Direction.DecreaseIsBad, false)],
        };
        var result = ReleaseAnalysisEngine.Analyze(input with { Custom = [custom] }, policy);
        var finding = Assert.Single(result.Findings, f => f.Check == "cache_hit_ratio");
        Assert.Equal(FindingOutcome.Regressed, finding.Outcome);
        Assert.Equal(Assessment.Risky, result.Assessment);
    }

    [Fact]
    public void Score_leaves_out_components_without_data()
    {
        MetricFinding F(string group, FindingOutcome o, double s) =>
            new("x", group, MetricUnit.Ratio, o, 1, 1, 1, 1, 0, 0.5, false, false, false, s, null, "");
        var findings = ImmutableArray.Create(
            F("errors", FindingOutcome.Regressed, 1.0),
            F("serverErrors", FindingOutcome.Unchanged, 0),
            F("latency", FindingOutcome.NoData, 0)
        );
        Assert.Equal(57, RiskScorer.Score(findings, AnalysisPolicy.Default)); // 40 / (40 + 30)
    }
}
