namespace ReleaseRadar.Api;

public sealed record ControlValues
{
    public MetricValues? Current { get; init; }
    public MetricValues? Baseline { get; init; }
}
