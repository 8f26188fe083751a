namespace ReleaseRadar.Analysis.Spec;

public sealed record ThresholdsSpec
{
    public ThresholdSpec? ErrorRate { get; init; }
    public ThresholdSpec? ServerErrorRate { get; init; }
    public ThresholdSpec? LatencyP95 { get; init; }
    public ThresholdSpec? LatencyP99 { get; init; }

    /// <summary>Throughput lost beyond the control's change (minRatio 2 = halved).</summary>
    public ThresholdSpec? Traffic { get; init; }
}
