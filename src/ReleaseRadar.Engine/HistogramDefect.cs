namespace ReleaseRadar.Engine;

/// <summary>
/// One step whose latency histogram is wrong in shape, found by the adapter and kept out of every latency judgement.
/// </summary>
/// <param name="Bound">The <c>le</c> value at fault, as Prometheus returned it.</param>
/// <param name="Count">For <see cref="HistogramDefectKind.NotCumulative"/>: what that bucket held, and what the higher one held.</param>
public sealed record HistogramDefect(DateTimeOffset Time, HistogramDefectKind Kind, string Bound, double Count = 0, double HigherCount = 0);
