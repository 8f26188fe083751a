namespace ReleaseRadar.Analysis.State;

/// <summary>What one window measured: requests, error ratios, latency quantiles in seconds, requests per second.</summary>
public sealed record WindowValues(
    double? Requests,
    double? ErrorRate,
    double? ServerErrorRate,
    double? LatencyP50,
    double? LatencyP95,
    double? LatencyP99,
    double? Throughput
)
{
    public static WindowValues None { get; } = new(null, null, null, null, null, null, null);
}
