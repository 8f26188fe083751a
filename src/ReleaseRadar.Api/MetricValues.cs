namespace ReleaseRadar.Api;

public sealed record MetricValues
{
    public double? Requests { get; init; }
    public double? ErrorRate { get; init; }
    public double? ServerErrorRate { get; init; }
    public double? LatencyP50 { get; init; }
    public double? LatencyP95 { get; init; }
    public double? LatencyP99 { get; init; }
    public double? Throughput { get; init; }

    /// <summary>The same values formatted with their units, for the printer columns.</summary>
    public DisplayValues? Display { get; init; }
}
