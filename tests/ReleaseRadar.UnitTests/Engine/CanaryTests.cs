using ReleaseRadar.Engine;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.UnitTests.Engine;

/// <summary>
/// A canary judged against its stable pods over the same window: paired step by step, so an incident that hits both
/// cancels, and held to its share of the traffic, not to the whole service's rate.
/// </summary>
public sealed class CanaryTests
{
    private static readonly TrafficShape Stable = new(Rps: 160, ErrorNoise: 0.15);
    private static readonly TrafficShape Canary = Stable with { Rps = 30 };

    /// <summary>Both populations at 6 % 5xx more from step 8 to 17: a dependency failing for everyone.</summary>
    private static Func<int, TrafficShape> SharedIncident(TrafficShape shape) =>
        i => i is >= 8 and <= 17 ? shape with { ServerErrorRate = shape.ServerErrorRate + 0.06, ErrorRate = shape.ErrorRate + 0.06 } : shape;

    [Fact]
    public void The_paired_test_cancels_what_hits_both_populations_and_finds_what_hits_the_canary_alone()
    {
        var shared = new List<PairedProportionTest.Stratum>();
        var own = new List<PairedProportionTest.Stratum>();
        for (var t = 0; t < 20; t++)
        {
            var rate = t is >= 5 and < 12 ? 0.08 : 0.002; // an incident in the middle of the window
            shared.Add(new(30 * 60 * rate, 30 * 60, 160 * 60 * rate, 160 * 60));
            own.Add(new(30 * 60 * (rate + 0.01), 30 * 60, 160 * 60 * rate, 160 * 60));
        }
        Assert.True(PairedProportionTest.IncreasePValue(shared, 1).PValue > 0.4);
        var found = PairedProportionTest.IncreasePValue(own, 1);
        Assert.True(found.PValue < 1e-4, $"p={found.PValue}");
        // The expectation follows the stable pods step by step, incident included, weighted by the canary's requests.
        Assert.InRange(found.Expected, 0.002 + 7 / 20.0 * 0.078 - 1e-9, 0.002 + 7 / 20.0 * 0.078 + 1e-9);
    }

    [Fact]
    public void A_healthy_canary_hit_by_a_shared_incident_is_never_risky_at_any_analysis()
    {
        for (var seed = 1; seed <= 30; seed++)
        {
            var input = Inputs.Canary(seed, SharedIncident(Stable), SharedIncident(Canary));
            for (var steps = 2; steps <= 30; steps++)
            {
                var result = ReleaseAnalysisEngine.Analyze(Inputs.After(input, steps), AnalysisPolicy.Default);
                Assert.True(
                    result.Assessment is Assessment.Ok or Assessment.InsufficientData,
                    $"seed {seed} after {steps} steps: {result.Assessment} {string.Join(" | ", result.Reasons)}"
                );
            }
        }
    }

    [Fact]
    public void A_canary_regression_is_caught_within_three_steps_even_during_a_shared_incident()
    {
        var late = new List<string>();
        for (var seed = 1; seed <= 20; seed++)
        {
            var regressed = Canary with { ServerErrorRate = 0.03, ErrorRate = 0.033 };
            var input = Inputs.Canary(seed, SharedIncident(Stable), SharedIncident(regressed));
            var first = Enumerable
                .Range(1, 30)
                .FirstOrDefault(n =>
                    ReleaseAnalysisEngine.Analyze(Inputs.After(input, n), AnalysisPolicy.Default).Assessment
                        is Assessment.Risky
                            or Assessment.Critical
                );
            if (first is 0 or > 3)
                late.Add($"seed {seed}: first risky after {first} steps");
            var slow = Inputs.Canary(seed, _ => Stable, _ => Canary with { LatencyMedian = 0.16 });
            var firstSlow = Enumerable
                .Range(1, 30)
                .FirstOrDefault(n =>
                    ReleaseAnalysisEngine.Analyze(Inputs.After(slow, n), AnalysisPolicy.Default).Assessment is Assessment.Risky or Assessment.Critical
                );
            if (firstSlow is 0 or > 3)
                late.Add($"seed {seed}: latency first risky after {firstSlow} steps");
        }
        Assert.Empty(late);
    }

    [Fact]
    public void A_canary_is_held_to_its_share_of_the_traffic_not_to_the_whole_services_rate()
    {
        var healthy = ReleaseAnalysisEngine.Analyze(Inputs.Canary(3, _ => Stable, _ => Canary), AnalysisPolicy.Default);
        Assert.Equal(Assessment.Ok, healthy.Assessment);
        Assert.DoesNotContain(
            healthy.Reasons,
            r => r.Contains("down", StringComparison.Ordinal) && r.Contains("hroughput", StringComparison.Ordinal)
        );
        Assert.Contains(
            healthy.Reasons,
            r => r.StartsWith("Traffic share 15.", StringComparison.Ordinal) && r.Contains("of the service", StringComparison.Ordinal)
        );

        // Its pods fail readiness from step 10: the stable pods take its traffic, and its share falls to a quarter.
        var losing = ReleaseAnalysisEngine.Analyze(
            Inputs.Canary(3, i => i >= 10 ? Stable with { Rps = 182 } : Stable, i => i >= 10 ? Canary with { Rps = 8 } : Canary),
            AnalysisPolicy.Default
        );
        var share = Assert.Single(losing.Findings, f => f.Check == CheckNames.Throughput);
        Assert.Equal(FindingOutcome.Regressed, share.Outcome);
        Assert.Contains("Traffic share down", share.Message);
    }
}
