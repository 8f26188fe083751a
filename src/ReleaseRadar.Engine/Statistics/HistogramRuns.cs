using System.Collections.Immutable;

namespace ReleaseRadar.Engine.Statistics;

/// <summary>
/// The pooled histogram of any run of consecutive steps in O(buckets): the steps' histograms aligned to common bounds,
/// summed once into prefix sums. Comparing a release window with every same-length stretch of the baseline would
/// otherwise re-add the same histograms thousands of times per analysis.
/// </summary>
public sealed class HistogramRuns
{
    private readonly double[] _bounds;
    private readonly double[][] _prefix;

    /// <param name="histograms">One per step, in order; null for a step without latency data.</param>
    public HistogramRuns(IReadOnlyList<LatencyHistogram?> histograms)
    {
        var present = histograms.Where(h => h is { Buckets.IsDefaultOrEmpty: false }).Select(h => h!).ToList();
        // One bucket layout (the usual case): its bounds are already the distinct, ordered union of all of them.
        _bounds =
            present.Count > 0 && HistogramQuantile.SameAscendingBounds(present)
                ? [.. present[0].Buckets.Select(b => b.UpperBound)]
                : [.. present.SelectMany(h => h.Buckets.Select(b => b.UpperBound)).Distinct().Order()];
        _prefix = new double[histograms.Count + 1][];
        _prefix[0] = new double[_bounds.Length];
        for (var i = 0; i < histograms.Count; i++)
        {
            var row = (double[])_prefix[i].Clone();
            if (histograms[i] is { Buckets.IsDefaultOrEmpty: false } h)
            {
                // A bound missing from this histogram takes its nearest lower bound's count, as HistogramQuantile.Sum does.
                var k = 0;
                var last = 0.0;
                for (var b = 0; b < _bounds.Length; b++)
                {
                    while (k < h.Buckets.Length && h.Buckets[k].UpperBound <= _bounds[b])
                        last = h.Buckets[k++].CumulativeCount;
                    row[b] += last;
                }
            }
            _prefix[i + 1] = row;
        }
    }

    public int Steps => _prefix.Length - 1;

    /// <summary>The pooled histogram of steps [start, start + length), or null when they hold no requests.</summary>
    public LatencyHistogram? Run(int start, int length)
    {
        if (_bounds.Length == 0)
            return null;
        var from = _prefix[start];
        var to = _prefix[start + length];
        var buckets = ImmutableArray.CreateBuilder<HistogramBucket>(_bounds.Length);
        for (var b = 0; b < _bounds.Length; b++)
            buckets.Add(new HistogramBucket(_bounds[b], to[b] - from[b]));
        var histogram = new LatencyHistogram(buckets.MoveToImmutable());
        return histogram.Count > 0 ? histogram : null;
    }
}
