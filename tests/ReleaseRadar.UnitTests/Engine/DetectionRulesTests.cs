using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Engine;

/// <summary>
/// The detection rules of round 2, each with plain values: the regression it must catch, and the near miss it must not.
/// </summary>
public sealed class DetectionRulesTests
{
    private static readonly TrafficShape Healthy = new();
    private static readonly TrafficShape Quiet = new(Rps: 50, ErrorRate: 0.001, ServerErrorRate: 0.0005);

    private static MetricFinding Finding(AnalysisResult r, string check) => r.Findings.Single(f => f.Check == check);

    [Fact]
    public void A_quiet_service_whose_5xx_go_from_0_05_to_0_3_percent_has_regressed()
    {
        var broken = Quiet with { ServerErrorRate = 0.003, ErrorRate = 0.0035 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(21, Quiet, broken), AnalysisPolicy.Default);
        Assert.Equal(FindingOutcome.Regressed, Finding(result, CheckNames.ServerErrorRate).Outcome);
        Assert.Equal(Assessment.Critical, result.Assessment);
    }

    [Fact]
    public void A_quiet_service_with_a_small_rise_is_not_flagged()
    {
        // 0.05 % → 0.08 %: real perhaps, but 1.6× and +0.03 pp is below both practical floors.
        var slightly = Quiet with
        {
            ServerErrorRate = 0.0008,
            ErrorRate = 0.0013,
        };
        for (var seed = 1; seed <= 20; seed++)
        {
            var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(seed, Quiet, slightly), AnalysisPolicy.Default);
            Assert.NotEqual(FindingOutcome.Regressed, Finding(result, CheckNames.ServerErrorRate).Outcome);
        }
    }

    [Fact]
    public void With_an_objective_the_5xx_check_is_judged_on_the_error_budget()
    {
        var slo = AnalysisPolicy.Default with { Slo = new SloPolicy(0.999) };
        var broken = Quiet with { ServerErrorRate = 0.003, ErrorRate = 0.0035 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(22, Quiet, broken), slo);
        var finding = Finding(result, CheckNames.ServerErrorRate);
        Assert.Equal(FindingOutcome.Regressed, finding.Outcome);
        Assert.Matches(
            @"against the 99\.9% objective it burns the error budget at [23]\.\d× the sustainable rate "
                + @"\(expected 0\.\d×; at most \+1\.0× allowed\)",
            finding.Message
        );
    }

    [Fact]
    public void With_an_objective_a_rise_within_the_budget_is_not_a_regression()
    {
        // A service already at 1 % 5xx going to 1.05 %: highly significant at this volume, but it adds half of a 99.9 % budget.
        var slo = AnalysisPolicy.Default with
        {
            Slo = new SloPolicy(0.999),
        };
        var chronic = Healthy with { Rps = 2000, ServerErrorRate = 0.01, ErrorRate = 0.012 };
        var worse = chronic with { ServerErrorRate = 0.0105, ErrorRate = 0.0125 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(23, chronic, worse), slo);
        Assert.NotEqual(FindingOutcome.Regressed, Finding(result, CheckNames.ServerErrorRate).Outcome);
    }

    [Fact]
    public void Traffic_lost_beyond_a_flat_control_is_a_regression()
    {
        var lost = Healthy with { Rps = Healthy.Rps * 0.3 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(31, Healthy, lost, Healthy, Healthy), AnalysisPolicy.Default);
        var traffic = Finding(result, CheckNames.Throughput);
        Assert.Equal(FindingOutcome.Regressed, traffic.Outcome);
        Assert.Equal(RiskScorer.TrafficGroup, traffic.Group);
        Assert.Contains("the release lost traffic the control kept", traffic.Message, StringComparison.Ordinal);
        Assert.Equal(Assessment.Risky, result.Assessment);
    }

    [Fact]
    public void Traffic_lost_by_less_than_half_or_shared_with_the_control_is_not()
    {
        var dip = Healthy with { Rps = Healthy.Rps * 0.7 };
        var shared = Healthy with { Rps = Healthy.Rps * 0.3 };
        for (var seed = 1; seed <= 10; seed++)
        {
            Assert.NotEqual(
                FindingOutcome.Regressed,
                Finding(
                    ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(seed, Healthy, dip, Healthy, Healthy), AnalysisPolicy.Default),
                    CheckNames.Throughput
                ).Outcome
            );
            Assert.NotEqual(
                FindingOutcome.Regressed,
                Finding(
                    ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(seed, Healthy, shared, Healthy, shared), AnalysisPolicy.Default),
                    CheckNames.Throughput
                ).Outcome
            );
        }
    }

    [Fact]
    public void A_control_that_gains_traffic_does_not_accuse_a_flat_release()
    {
        var campaign = Healthy with { Rps = Healthy.Rps * 3 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(32, Healthy, Healthy, Healthy, campaign), AnalysisPolicy.Default);
        Assert.NotEqual(FindingOutcome.Regressed, Finding(result, CheckNames.Throughput).Outcome);
        Assert.Equal(Assessment.Ok, result.Assessment);
    }

    [Fact]
    public void Without_a_control_an_extreme_fall_is_only_suspicious()
    {
        var lost = Healthy with { Rps = Healthy.Rps * 0.2 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(33, Healthy, lost), AnalysisPolicy.Default);
        var traffic = Finding(result, CheckNames.Throughput);
        Assert.Equal(FindingOutcome.Suspicious, traffic.Outcome);
        Assert.Contains("with no control a lost route cannot be told from clients going quiet", traffic.Message, StringComparison.Ordinal);
        Assert.NotEqual(Assessment.Risky, result.Assessment);
        Assert.NotEqual(Assessment.Critical, result.Assessment);
    }

    [Fact]
    public void A_late_error_regression_is_caught_from_the_recent_window_and_dated()
    {
        var broken = Healthy with { ServerErrorRate = 0.03, ErrorRate = 0.033 };
        // 5xx jump 21 minutes after the deploy (release steps start at the deploy here); analysed 2 minutes later.
        var input = Inputs.After(Inputs.BeforeAfter(41, Healthy, Healthy, currentSteps: 23, currentAt: i => i > 21 ? broken : Healthy), 23);
        var result = ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default);
        var finding = Finding(result, CheckNames.ServerErrorRate);
        Assert.Equal(FindingOutcome.Regressed, finding.Outcome);
        Assert.Equal(Inputs.Deploy.AddMinutes(21), finding.Onset);
        Assert.EndsWith("; began 21m after the deploy", finding.Message, StringComparison.Ordinal);
        Assert.True(result.Assessment is Assessment.Risky or Assessment.Critical);
    }

    [Fact]
    public void A_late_latency_regression_is_caught_over_the_last_minutes()
    {
        var slow = Healthy with { LatencyMedian = 0.08 * 1.6 };
        var input = Inputs.BeforeAfter(42, Healthy, Healthy, currentSteps: 24, currentAt: i => i > 21 ? slow : Healthy);
        var result = ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default);
        var finding = Finding(result, CheckNames.LatencyP95);
        Assert.Equal(FindingOutcome.Regressed, finding.Outcome);
        Assert.Equal(FindingScope.Recent, finding.Scope);
        Assert.StartsWith("P95 latency over the last 3m up", finding.Message, StringComparison.Ordinal);
        Assert.Equal(Assessment.Risky, result.Assessment);
    }

    [Fact]
    public void A_small_late_latency_shift_is_not_flagged()
    {
        var slightly = Healthy with { LatencyMedian = 0.08 * 1.08 };
        var input = Inputs.BeforeAfter(43, Healthy, Healthy, currentSteps: 24, currentAt: i => i > 21 ? slightly : Healthy);
        Assert.Equal(Assessment.Ok, ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default).Assessment);
    }

    [Fact]
    public void A_tail_only_latency_regression_moves_p99()
    {
        var tail = Healthy with { SlowShare = 0.01 };
        var worse = Healthy with { SlowShare = 0.06 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(44, tail, worse), AnalysisPolicy.Default);
        Assert.Equal(FindingOutcome.Regressed, Finding(result, CheckNames.LatencyP99).Outcome);
        Assert.Equal(Assessment.Risky, result.Assessment);
    }

    [Fact]
    public void A_critical_regression_on_too_little_data_must_be_confirmed()
    {
        // Two minutes at 10 req/s: ~18 5xx where 2.4 were expected is significant, but 1,200 requests are far from the ~7,000
        // an OK would need, and 18 errors are fewer than such a window would hold at the threshold.
        var thin = Healthy with
        {
            Rps = 10,
        };
        var input = Inputs.After(Inputs.BeforeAfter(51, Healthy, thin with { ServerErrorRate = 0.015, ErrorRate = 0.018 }), 2);
        var result = ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default with { MinRequests = 100 });
        var finding = Finding(result, CheckNames.ServerErrorRate);
        Assert.Equal(FindingOutcome.Regressed, finding.Outcome);
        Assert.False(finding.Conclusive);
        Assert.Equal(Assessment.Risky, result.Assessment);
    }

    // A release at 0.1 % 5xx beside a control at 0.4 %, and the control during an incident that adds 1.5 pp to it.
    private static readonly TrafficShape LowBaselineRelease = Healthy with { Rps = 200, ServerErrorRate = 0.001, ErrorRate = 0.003 };
    private static readonly TrafficShape HigherBaselineControl = Healthy with { Rps = 200, ServerErrorRate = 0.004, ErrorRate = 0.006 };
    private static readonly TrafficShape ControlInIncident = HigherBaselineControl with { ServerErrorRate = 0.019, ErrorRate = 0.021 };

    [Fact]
    public void A_shared_incident_that_adds_errors_is_not_blamed_on_a_release_with_a_lower_baseline()
    {
        // The failing dependency adds 1.5 pp to both. Proportionally the release's rise (16×) dwarfs the control's
        // (4.75×); additively they are the same, which is what happened.
        var input = Inputs.BeforeAfter(
            61,
            LowBaselineRelease,
            LowBaselineRelease with
            {
                ServerErrorRate = 0.016,
                ErrorRate = 0.018,
            },
            HigherBaselineControl,
            ControlInIncident
        );
        var result = ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default);
        Assert.NotEqual(FindingOutcome.Regressed, Finding(result, CheckNames.ServerErrorRate).Outcome);
        Assert.Equal(Assessment.Ok, result.Assessment);
    }

    [Fact]
    public void A_regression_during_a_shared_incident_is_still_caught()
    {
        var input = Inputs.BeforeAfter(
            62,
            LowBaselineRelease,
            LowBaselineRelease with
            {
                ServerErrorRate = 0.046,
                ErrorRate = 0.048,
            },
            HigherBaselineControl,
            ControlInIncident
        );
        Assert.Equal(
            FindingOutcome.Regressed,
            Finding(ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default), CheckNames.ServerErrorRate).Outcome
        );
    }

    [Fact]
    public void A_control_that_improves_does_not_accuse_a_steady_release()
    {
        var control = Healthy with { ServerErrorRate = 0.004, ErrorRate = 0.006 };
        var better = control with { ServerErrorRate = 0.001, ErrorRate = 0.003 };
        var result = ReleaseAnalysisEngine.Analyze(Inputs.BeforeAfter(63, Healthy, Healthy, control, better), AnalysisPolicy.Default);
        Assert.Equal(Assessment.Ok, result.Assessment);
    }

    [Fact]
    public void A_burst_no_larger_than_the_baselines_own_is_not_a_regression_of_a_bursty_service()
    {
        // Error ratios wander by a factor of ~2 from minute to minute; the last three minutes of the release are a burst of
        // that size, no worse than the baseline's.
        var bursty = Healthy with
        {
            Rps = 100,
            ErrorNoise = 0.6,
        };
        var risky = new List<int>();
        for (var seed = 1; seed <= 40; seed++)
        {
            var input = Inputs.BeforeAfter(seed, bursty, bursty, currentSteps: 24);
            if (ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default).Assessment is Assessment.Risky or Assessment.Critical)
                risky.Add(seed);
        }
        Assert.Empty(risky);
    }

    [Fact]
    public void A_healthy_release_is_never_riesgoso_at_any_analysis_of_its_window()
    {
        // The property the verdict must keep: replay all 28 analyses (growing window, recent window, confirmation rule) of
        // healthy releases, quiet and bursty, and never show risky.
        var shapes = new[] { Healthy, Quiet, Healthy with { Rps = 100, ErrorNoise = 0.7 }, Healthy with { Rps = 4, ErrorNoise = 0.5 } };
        var flipped = new List<string>();
        foreach (var shape in shapes)
            for (var seed = 1; seed <= 15; seed++)
            {
                var full = Inputs.BeforeAfter(seed, shape, shape, currentSteps: 28);
                var history = new List<Assessment>();
                Verdict? verdict = null;
                for (var steps = 1; steps <= 28; steps++)
                {
                    var assessment = ReleaseAnalysisEngine.Analyze(Inputs.After(full, steps), AnalysisPolicy.Default).Assessment;
                    verdict = VerdictDecider.Decide(assessment, history, verdict, AnalysisPolicy.Default, isFinal: steps == 28).Verdict;
                    history.Add(assessment);
                    if (verdict == Verdict.Risky)
                    {
                        var why = ReleaseAnalysisEngine.Analyze(Inputs.After(full, steps), AnalysisPolicy.Default).Reasons.Take(2);
                        flipped.Add($"{shape} seed {seed} at {steps}m: {string.Join(" | ", why)}");
                        break;
                    }
                }
            }
        Assert.True(flipped.Count == 0, string.Join("\n", flipped));
    }

    /// <summary>A window of plain counts: requests and 5xx per step, no latency.</summary>
    private static TrafficWindow Counts(DateTimeOffset start, int steps, Func<int, (double Requests, double Errors)> at)
    {
        var samples = Enumerable.Range(1, steps).Select(i => at(i) is var (n, e) ? new StepSample(start + Inputs.Step * i, n, e, e, null) : null!);
        return new TrafficWindow(start, start + Inputs.Step * steps, Inputs.Step, [.. samples], steps);
    }

    [Fact]
    public void A_few_errors_after_a_baseline_without_any_are_not_enough_on_thin_data()
    {
        // 0.4 req/s: not a single 5xx in the baseline hour (1,440 requests), then 4 in the next 663. The exact test gives
        // p≈0.01, which repeated analyses of a growing window reach sooner or later by chance.
        var baseline = Counts(Inputs.Deploy.AddHours(-1), 60, _ => (24, 0));
        var current = Counts(Inputs.Deploy, 26, i => (25.5, i % 6 == 0 ? 1 : 0));
        var input = new AnalysisInput(BaselineMode.BeforeDeploy, current, baseline, DeployedAt: Inputs.Deploy);
        var result = ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default with { MinRequests = 100 });
        // Not a regression, and too few requests to rule one out: not judged, so not OK either.
        var finding = Finding(result, CheckNames.ServerErrorRate);
        Assert.Equal(FindingOutcome.NoData, finding.Outcome);
        Assert.StartsWith(
            "5xx rate not judged: 663 requests in the release window cannot rule out a rise",
            finding.Message,
            StringComparison.Ordinal
        );
        Assert.Equal(Assessment.InsufficientData, result.Assessment);
    }

    [Fact]
    public void A_clear_rise_on_thin_data_is_still_a_regression()
    {
        var baseline = Counts(Inputs.Deploy.AddHours(-1), 60, _ => (24, 0));
        var current = Counts(Inputs.Deploy, 26, i => (25.5, i % 2 == 0 ? 1 : 0));
        var input = new AnalysisInput(BaselineMode.BeforeDeploy, current, baseline, DeployedAt: Inputs.Deploy);
        var finding = Finding(ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default with { MinRequests = 100 }), CheckNames.ServerErrorRate);
        // 13 errors in 663 requests: fewer requests than the power calculation asks for, but more errors than a window of
        // that size would hold at the threshold, so the evidence is conclusive.
        Assert.Equal(FindingOutcome.Regressed, finding.Outcome);
        Assert.True(finding.Conclusive);
    }
}
