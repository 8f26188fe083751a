namespace ReleaseRadar.Engine;

/// <summary>One bucket of a cumulative latency histogram (Prometheus <c>le</c> semantics).</summary>
public readonly record struct HistogramBucket(double UpperBound, double CumulativeCount);
