namespace ReleaseRadar.Analysis.Spec;

public sealed record AnalysisSpec
{
    public string? Window { get; init; }
    public string? Interval { get; init; }
    public string? Step { get; init; }
    public string? Warmup { get; init; }

    /// <summary>The end of the window also judged on its own, so a late regression is not diluted (default 3 steps; 0s turns it off).</summary>
    public string? RecentWindow { get; init; }
    public double? MinRequests { get; init; }
    public int? MinSteps { get; init; }
    public double? MinCoverage { get; init; }
    public double? Power { get; init; }
    public double? RiskyScore { get; init; }
    public int? ConsecutiveIntervals { get; init; }
    public WeightsSpec? Weights { get; init; }
    public ThresholdsSpec? Thresholds { get; init; }
}
