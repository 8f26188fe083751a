using System.Collections.Immutable;
using ReleaseRadar.Engine;
using ReleaseRadar.Engine.Judges;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.UnitTests.Engine;

public sealed class StatisticsTests
{
    [Fact]
    public void MannWhitney_exact_tail_matches_the_textbook_value_for_complete_separation()
    {
        // All five x above all five y: one arrangement of C(10,5) = 252.
        var p = MannWhitneyU.GreaterPValue([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
        Assert.Equal(1.0 / 252, p, 10);
    }

    [Fact]
    public void MannWhitney_is_one_sided()
    {
        Assert.True(MannWhitneyU.GreaterPValue([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]) > 0.99);
    }

    [Fact]
    public void MannWhitney_normal_approximation_agrees_with_exact_near_the_boundary()
    {
        var random = new Random(3);
        var x = Enumerable.Range(0, 20).Select(_ => random.NextDouble() + 0.3).ToList();
        var y = Enumerable.Range(0, 20).Select(_ => random.NextDouble()).ToList();
        var approx = MannWhitneyU.GreaterPValue(x, y); // 40 values: exact
        var larger = MannWhitneyU.GreaterPValue([.. x, .. x.Select(v => v + 1e-9)], [.. y, .. y.Select(v => v + 1e-9)]); // 80 values: normal
        Assert.InRange(approx, 0, 0.05);
        Assert.InRange(larger, 0, approx); // twice the data, same shift: at least as significant
    }

    [Fact]
    public void MannWhitney_all_ties_gives_no_evidence()
    {
        Assert.Equal(
            1.0,
            MannWhitneyU.GreaterPValue(
                [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
                [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
            )
        );
    }

    [Fact]
    public void Exact_rate_test_does_not_call_four_errors_against_one_expected_significant()
    {
        // 500 requests at 0.2 % expect one error; four is suggestive, not proof (Poisson tail ~0.019).
        var p = FindingRules.ExactRateIncreasePValue(4, 500, 60, 30_000, 1);
        Assert.InRange(p, 0.01, 0.05);
    }

    [Fact]
    public void Exact_rate_test_finds_a_large_regression()
    {
        Assert.True(FindingRules.ExactRateIncreasePValue(150, 5_000, 60, 30_000, 1) < 1e-6);
    }

    [Fact]
    public void Over_dispersion_weakens_the_rate_test()
    {
        var plain = FindingRules.ExactRateIncreasePValue(30, 5_000, 100, 50_000, 1);
        var noisy = FindingRules.ExactRateIncreasePValue(30, 5_000, 100, 50_000, 8);
        Assert.True(noisy > plain * 10, $"plain {plain}, noisy {noisy}");
    }

    [Fact]
    public void Dispersion_is_about_one_for_binomial_steps_and_large_for_wandering_ones()
    {
        var random = new Random(11);
        var binomial = Enumerable
            .Range(0, 60)
            .Select(_ => ((double)MathNet.Numerics.Distributions.Binomial.Sample(random, 0.01, 5000), 5000.0))
            .ToList();
        var wandering = Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? 10.0 : 90.0, 5000.0)).ToList();
        Assert.InRange(ProportionTest.Dispersion(binomial), 1.0, 1.8);
        Assert.True(ProportionTest.Dispersion(wandering) > 10);
    }

    [Fact]
    public void Difference_in_differences_discounts_a_shared_rise()
    {
        var shared = ProportionTest.DifferenceInDifferencesPValue(500, 10_000, 50, 10_000, 480, 10_000, 50, 10_000);
        var alone = ProportionTest.DifferenceInDifferencesPValue(500, 10_000, 50, 10_000, 52, 10_000, 50, 10_000);
        Assert.True(shared > 0.1, $"shared rise p={shared}");
        Assert.True(alone < 1e-6, $"release-only rise p={alone}");
    }

    [Fact]
    public void Required_requests_follow_the_two_proportion_sample_size_formula()
    {
        // (2.326·√(.005·.995) + 0.842·√(.01·.99))² / .005² ≈ 2,457 requests to see 0.5 % → 1 % at α=0.01 with 80 % power.
        Assert.InRange(ProportionTest.RequiredRequests(0.005, 0.01, 0.01, 0.8), 2400, 2500);
        Assert.InRange(ProportionTest.RequiredRequests(0.005, 0.01, 0.01, 0.8, dispersion: 3), 7200, 7500);
        Assert.Equal(0, ProportionTest.RequiredRequests(0.01, 0.005, 0.01, 0.8));
    }

    [Fact]
    public void Histogram_quantile_interpolates_like_promql()
    {
        var h = new LatencyHistogram([new(0.1, 50), new(0.2, 100), new(double.PositiveInfinity, 100)]);
        Assert.Equal(0.1, HistogramQuantile.Quantile(0.5, h), 9);
        Assert.Equal(0.15, HistogramQuantile.Quantile(0.75, h), 9);
    }

    [Fact]
    public void Histogram_quantile_in_the_inf_bucket_returns_the_highest_finite_bound()
    {
        var h = new LatencyHistogram([new(0.1, 10), new(0.2, 20), new(double.PositiveInfinity, 100)]);
        Assert.Equal(0.2, HistogramQuantile.Quantile(0.99, h));
    }

    [Fact]
    public void Histogram_quantile_of_an_empty_histogram_is_nan()
    {
        Assert.True(double.IsNaN(HistogramQuantile.Quantile(0.95, new LatencyHistogram([new(0.1, 0), new(double.PositiveInfinity, 0)]))));
    }

    [Fact]
    public void Histogram_sum_adds_bucket_by_bucket()
    {
        var a = new LatencyHistogram([new(0.1, 1), new(double.PositiveInfinity, 2)]);
        var b = new LatencyHistogram([new(0.1, 3), new(double.PositiveInfinity, 5)]);
        var sum = HistogramQuantile.Sum([a, null, b])!;
        Assert.Equal(ImmutableArray.Create(new HistogramBucket(0.1, 4), new HistogramBucket(double.PositiveInfinity, 7)), sum.Buckets);
    }

    [Fact]
    public void Histogram_sum_of_one_bucket_layout_matches_the_general_sum_to_the_bit()
    {
        var random = new Random(3);
        double[] bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, double.PositiveInfinity];
        var histograms = Enumerable
            .Range(0, 40)
            .Select(_ =>
            {
                var running = 0.0;
                return new LatencyHistogram([.. bounds.Select(b => new HistogramBucket(b, running += random.NextDouble() * 37.3))]);
            })
            .ToList();
        // A histogram of another layout (only +Inf, count 0) adds nothing but sends the sum down the general path.
        var general = HistogramQuantile.Sum([.. histograms, new LatencyHistogram([new(double.PositiveInfinity, 0)])])!;
        var sameLayout = HistogramQuantile.Sum(histograms)!;
        Assert.Equal(
            general.Buckets.Select(b => (b.UpperBound, b.CumulativeCount)),
            sameLayout.Buckets.Select(b => (b.UpperBound, b.CumulativeCount))
        );
        Assert.Equal(histograms.Sum(h => h.Buckets[3].CumulativeCount), sameLayout.Buckets[3].CumulativeCount, 9);
    }

    [Fact]
    public void Count_above_is_the_inverse_of_the_quantile()
    {
        var h = new LatencyHistogram([new(0.1, 50), new(0.2, 100), new(double.PositiveInfinity, 100)]);
        Assert.Equal(25, HistogramQuantile.CountAbove(HistogramQuantile.Quantile(0.75, h), h), 9);
        Assert.Equal(100, HistogramQuantile.CountAbove(0, h), 9);
        Assert.Equal(0, HistogramQuantile.CountAbove(0.2, h), 9);
        // Above the last finite bound, the +Inf bucket counts whole (its width cannot be interpolated).
        var tail = new LatencyHistogram([new(0.1, 90), new(double.PositiveInfinity, 100)]);
        Assert.Equal(10, HistogramQuantile.CountAbove(0.1, tail), 9);
    }

    [Fact]
    public void The_additive_test_discounts_a_shared_rise_in_percentage_points()
    {
        // Both gained 1.5 pp; the release from a lower base (16×, the control 4.75×). Proportionally a rise, additively none.
        var additive = ProportionTest.AdditiveDifferenceInDifferencesPValue(160, 10_000, 10, 10_000, 190, 10_000, 40, 10_000);
        var proportional = ProportionTest.DifferenceInDifferencesPValue(160, 10_000, 10, 10_000, 190, 10_000, 40, 10_000);
        Assert.True(additive > 0.1, $"additive p={additive}");
        Assert.True(proportional < 0.001, $"proportional p={proportional}");
        Assert.True(ProportionTest.AdditiveDifferenceInDifferencesPValue(460, 10_000, 10, 10_000, 190, 10_000, 40, 10_000) < 1e-6);
    }

    [Fact]
    public void The_change_point_of_a_ratio_is_where_it_rose()
    {
        var steps = Enumerable.Range(0, 30).Select(i => (i < 21 ? 10.0 : 90.0, 5000.0)).ToList();
        Assert.Equal(21, ChangePoint.RiseOfRatio(steps));
        Assert.Null(ChangePoint.RiseOfRatio(Enumerable.Range(0, 30).Select(i => (i < 21 ? 90.0 : 10.0, 5000.0)).ToList()));
        Assert.Equal(12, ChangePoint.FallOfMean([.. Enumerable.Range(0, 20).Select(i => i < 12 ? 5.0 : 3.0)]));
    }

    [Fact]
    public void The_mean_shift_test_allows_for_autocorrelated_drift()
    {
        var random = new Random(5);
        // The same values in two orders: drifting slowly (each step close to the last), and shuffled. Same mean and variance,
        // so only the autocorrelation differs; the same fall must count for less against the drifting baseline.
        var drifting = new List<double>();
        var x = 0.0;
        for (var i = 0; i < 60; i++)
            drifting.Add(x = 0.9 * x + Math.Sqrt(1 - 0.81) * MathNet.Numerics.Distributions.Normal.Sample(random, 0, 0.1));
        var independent = drifting.OrderBy(_ => random.Next()).ToList();
        var after = new[] { -0.1, -0.1, -0.1 }.Select(v => v + drifting.Average()).ToList();
        Assert.True(MeanShiftTest.DecreasePValue(independent, after) < MeanShiftTest.DecreasePValue(drifting, after) / 2);
        Assert.True(MeanShiftTest.DecreasePValue(independent, [-1.2, -1.2]) < 1e-6);
        Assert.True(MeanShiftTest.DecreasePValue(independent, [0.2, 0.2]) > 0.9);
        Assert.Equal(1.0, MeanShiftTest.MeanVarianceFactor(1, 0.5), 9);
        Assert.Equal((1 + 2 * 0.5 * 0.5) / 2, MeanShiftTest.MeanVarianceFactor(2, 0.5), 9);
    }

    [Fact]
    public void Histogram_runs_equal_summing_the_steps()
    {
        var random = new Random(9);
        var window = new TrafficShape().Window(Inputs.Deploy, 20, Inputs.Step, random);
        var histograms = window.Steps.Select(s => s.Latency).ToList();
        histograms[3] = null; // a step without latency data
        histograms[7] = new LatencyHistogram([new(0.1, 5), new(double.PositiveInfinity, 9)]); // other bounds
        var runs = new HistogramRuns(histograms);
        foreach (var (start, length) in new[] { (0, 20), (2, 3), (7, 1), (3, 1), (10, 10) })
        {
            var expected = HistogramQuantile.Sum(histograms.Skip(start).Take(length));
            var actual = runs.Run(start, length);
            if (expected is null || expected.Count == 0)
            {
                Assert.Null(actual);
                continue;
            }
            // Runs are expressed on the bounds of every step; where the run's own steps share them, the buckets are identical.
            if (start > 7 || start + length <= 7)
                Assert.Equal(expected.Buckets, actual!.Buckets);
            else
                Assert.Equal(expected.Count, actual!.Count);
        }
    }
}
