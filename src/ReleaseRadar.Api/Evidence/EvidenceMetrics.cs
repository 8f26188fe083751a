namespace ReleaseRadar.Api.Evidence;

/// <summary>
/// One window's values. The founding brief's keys (error_rate, latency_p95, throughput: ratios, milliseconds, requests per
/// second) are kept for the readers written against it; the same values also carry their unit in the key
/// (error_rate_ratio, latency_p95_ms, throughput_rps), so no reader has to guess.
/// </summary>
public sealed record EvidenceMetrics(
    double? Requests,
    double? ErrorRate,
    double? ServerErrorRate,
    double? LatencyP50,
    double? LatencyP95,
    double? LatencyP99,
    double? Throughput
)
{
    public double? RequestsCount => Requests;
    public double? ErrorRateRatio => ErrorRate;
    public double? ServerErrorRateRatio => ServerErrorRate;
    public double? LatencyP50Ms => LatencyP50;
    public double? LatencyP95Ms => LatencyP95;
    public double? LatencyP99Ms => LatencyP99;
    public double? ThroughputRps => Throughput;
}
