namespace ReleaseRadar.Analysis.Spec;

public sealed record ThresholdSpec
{
    public double? MinRatio { get; init; }
    public double? MinIncrease { get; init; }
    public double? Alpha { get; init; }
    public bool? Critical { get; init; }
}
