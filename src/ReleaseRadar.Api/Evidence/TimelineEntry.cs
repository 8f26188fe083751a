namespace ReleaseRadar.Api.Evidence;

/// <param name="Onset">Time since the deploy at which a regression seen in this analysis began, if the data dates it.</param>
public sealed record TimelineEntry(
    string? Time,
    string? Elapsed,
    string? Verdict,
    int? RiskScore,
    double? ErrorRate,
    double? LatencyP95,
    double? Throughput,
    string? Onset
);
