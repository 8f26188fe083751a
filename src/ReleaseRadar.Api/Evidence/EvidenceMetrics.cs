namespace ReleaseRadar.Api.Evidence;

/// <summary>Latencies in milliseconds and throughput in requests per second, as in the seed's example.</summary>
public sealed record EvidenceMetrics(
    double? Requests,
    double? ErrorRate,
    double? ServerErrorRate,
    double? LatencyP50,
    double? LatencyP95,
    double? LatencyP99,
    double? Throughput
);
