namespace ReleaseRadar.Analysis.Spec;

public sealed record WeightsSpec
{
    public double? Errors { get; init; }
    public double? ServerErrors { get; init; }
    public double? Latency { get; init; }
    public double? Traffic { get; init; }
}
