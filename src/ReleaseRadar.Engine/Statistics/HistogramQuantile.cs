using System.Collections.Immutable;

namespace ReleaseRadar.Engine.Statistics;

/// <summary>
/// Quantiles from cumulative bucket counts, with the same linear interpolation as PromQL's histogram_quantile,
/// so a number in a reason matches what an engineer sees when they paste the query into Prometheus.
/// </summary>
public static class HistogramQuantile
{
    public static double Quantile(double q, LatencyHistogram histogram)
    {
        var buckets = histogram.Buckets;
        if (buckets.IsDefaultOrEmpty || q < 0 || q > 1)
            return double.NaN;
        if (!double.IsPositiveInfinity(buckets[^1].UpperBound))
            return double.NaN;
        var total = buckets[^1].CumulativeCount;
        if (!(total > 0))
            return double.NaN;

        var cumulative = Monotonic(buckets);
        total = cumulative[^1];

        var rank = q * total;
        var b = 0;
        while (b < buckets.Length - 1 && cumulative[b] < rank)
            b++;
        if (b == buckets.Length - 1)
            return buckets.Length >= 2 ? buckets[^2].UpperBound : double.NaN;
        if (b == 0 && buckets[0].UpperBound <= 0)
            return buckets[0].UpperBound;

        var start = b == 0 ? 0.0 : buckets[b - 1].UpperBound;
        var end = buckets[b].UpperBound;
        var before = b == 0 ? 0.0 : cumulative[b - 1];
        var inBucket = cumulative[b] - before;
        if (inBucket <= 0)
            return end;
        return start + (end - start) * ((rank - before) / inBucket);
    }

    /// <summary>
    /// How many observations lie above <paramref name="value"/>, assuming observations spread evenly inside a bucket: the
    /// inverse of <see cref="Quantile"/>, so the count above a window's own q-quantile is (1 − q) × its total.
    /// </summary>
    public static double CountAbove(double value, LatencyHistogram histogram)
    {
        var buckets = histogram.Buckets;
        if (buckets.IsDefaultOrEmpty || !double.IsPositiveInfinity(buckets[^1].UpperBound))
            return 0;
        var cumulative = Monotonic(buckets);
        var total = cumulative[^1];
        for (var b = 0; b < buckets.Length; b++)
        {
            if (value >= buckets[b].UpperBound)
                continue;
            var lower = b == 0 ? 0.0 : buckets[b - 1].UpperBound;
            var below = b == 0 ? 0.0 : cumulative[b - 1];
            // The +Inf bucket has no width to interpolate in: all of it counts as above, as PromQL caps quantiles there.
            var fractionBelow = double.IsPositiveInfinity(buckets[b].UpperBound)
                ? 0.0
                : Math.Clamp((value - lower) / (buckets[b].UpperBound - lower), 0, 1);
            return total - below - (cumulative[b] - below) * fractionBelow;
        }
        return 0;
    }

    // increase() extrapolation can leave cumulative counts slightly non-monotonic; PromQL forces monotonicity too.
    private static double[] Monotonic(ImmutableArray<HistogramBucket> buckets)
    {
        var cumulative = new double[buckets.Length];
        var running = 0.0;
        for (var i = 0; i < buckets.Length; i++)
            cumulative[i] = running = Math.Max(running, buckets[i].CumulativeCount);
        return cumulative;
    }

    /// <summary>Adds histograms bucket by bucket. A bound missing from one histogram takes that histogram's nearest lower bound's count.</summary>
    public static LatencyHistogram? Sum(IEnumerable<LatencyHistogram?> histograms)
    {
        var list = histograms.Where(h => h is { Buckets.IsDefaultOrEmpty: false }).Select(h => h!).ToList();
        if (list.Count == 0)
            return null;
        if (SameAscendingBounds(list))
        {
            // The usual case (one histogram metric, one bucket layout): bucket i of each adds to bucket i, in the same
            // order as below, so the sums are the same to the last bit without collecting and sorting the bounds.
            var first = list[0].Buckets;
            var totals = new double[first.Length];
            foreach (var h in list)
                for (var i = 0; i < totals.Length; i++)
                    totals[i] += h.Buckets[i].CumulativeCount;
            var summed = ImmutableArray.CreateBuilder<HistogramBucket>(first.Length);
            for (var i = 0; i < totals.Length; i++)
                summed.Add(new HistogramBucket(first[i].UpperBound, totals[i]));
            return new LatencyHistogram(summed.MoveToImmutable());
        }
        var bounds = list.SelectMany(h => h.Buckets.Select(b => b.UpperBound)).Distinct().Order().ToArray();
        var sums = new double[bounds.Length];
        foreach (var h in list)
        {
            var k = 0;
            var last = 0.0;
            for (var i = 0; i < bounds.Length; i++)
            {
                while (k < h.Buckets.Length && h.Buckets[k].UpperBound <= bounds[i])
                    last = h.Buckets[k++].CumulativeCount;
                sums[i] += last;
            }
        }
        return new LatencyHistogram(bounds.Select((ub, i) => new HistogramBucket(ub, sums[i])).ToImmutableArray());
    }

    /// <summary>Whether every histogram has the first one's bounds, strictly ascending: the usual case of one bucket layout.</summary>
    internal static bool SameAscendingBounds(List<LatencyHistogram> list)
    {
        var first = list[0].Buckets;
        for (var i = 1; i < first.Length; i++)
            if (!(first[i].UpperBound > first[i - 1].UpperBound))
                return false;
        foreach (var h in list)
        {
            if (h.Buckets.Length != first.Length)
                return false;
            for (var i = 0; i < first.Length; i++)
                if (!h.Buckets[i].UpperBound.Equals(first[i].UpperBound))
                    return false;
        }
        return true;
    }
}
