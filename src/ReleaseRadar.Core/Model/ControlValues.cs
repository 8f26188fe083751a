namespace ReleaseRadar.Core.Model;

public sealed record ControlValues
{
    public MetricValues? Current { get; init; }
    public MetricValues? Baseline { get; init; }
}
