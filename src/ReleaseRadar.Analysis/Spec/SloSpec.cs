namespace ReleaseRadar.Analysis.Spec;

/// <summary>An availability objective, as a percentage of requests that must not fail with a 5xx (e.g. 99.9).</summary>
public sealed record SloSpec
{
    public double? Objective { get; init; }

    /// <summary>How many times the sustainable error-budget burn rate a release may add before it counts as a regression (default 1).</summary>
    public double? MaxBurnRateIncrease { get; init; }
}
