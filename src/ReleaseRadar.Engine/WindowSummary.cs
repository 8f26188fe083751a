namespace ReleaseRadar.Engine;

/// <summary>Headline values of one population over one window.</summary>
public sealed record WindowSummary(
    double Requests,
    double? ErrorRate,
    double? ServerErrorRate,
    double? LatencyP50,
    double? LatencyP95,
    double? LatencyP99,
    double? Throughput,
    int StepsWithData,
    int ExpectedSteps
);
