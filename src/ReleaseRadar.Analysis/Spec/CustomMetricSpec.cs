namespace ReleaseRadar.Analysis.Spec;

/// <summary>Extra metric as PromQL. {{selector}} is replaced by the population's escaped matchers, {{step}} by the step (e.g. 60s).</summary>
public sealed record CustomMetricSpec
{
    public string? Name { get; init; }
    public string? Query { get; init; }

    /// <summary>IncreaseIsBad (default) or DecreaseIsBad.</summary>
    public string? Direction { get; init; }
    public double? Weight { get; init; }
    public double? MinRatio { get; init; }
    public double? MinIncrease { get; init; }
    public double? Alpha { get; init; }
    public bool? Critical { get; init; }
    public bool? Optional { get; init; }
}
