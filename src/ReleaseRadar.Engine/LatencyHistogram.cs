using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>A cumulative histogram for one step or one whole window. Buckets are sorted by upper bound; the last is +Inf.</summary>
public sealed record LatencyHistogram(ImmutableArray<HistogramBucket> Buckets)
{
    public double Count => Buckets.IsDefaultOrEmpty ? 0 : Buckets[^1].CumulativeCount;
}
