using System.Text.Json.Serialization;

namespace ReleaseRadar.Core.Model;

/// <summary>What was deployed, where its metrics live and how to judge it. Mirrors config/crd/releases.releaseradar.io.yaml.</summary>
public sealed record ReleaseSpec
{
    public string? Version { get; init; }
    public string? Commit { get; init; }
    /// <summary>RFC 3339; defaults to the Release's creation time.</summary>
    public string? DeployedAt { get; init; }
    public TargetReference? Target { get; init; }
    /// <summary>Prometheus label matchers (equality) selecting the release's series, e.g. service: checkout.</summary>
    public Dictionary<string, string>? Selector { get; init; }
    public BaselineSpec? Baseline { get; init; }
    public ControlSpec? Control { get; init; }
    public AnalysisSpec? Analysis { get; init; }
    public MetricsSpec? Metrics { get; init; }
    public List<CustomMetricSpec>? CustomMetrics { get; init; }
    /// <summary>An availability objective; with it the 5xx check is judged by how fast the release burns the error budget.</summary>
    public SloSpec? Slo { get; init; }
    /// <summary>What to do to the target Deployment when the verdict is RIESGOSO: None, Annotate or Undo.</summary>
    public string? Rollback { get; init; }
}

public sealed record TargetReference
{
    public string? Kind { get; init; }
    public string? Name { get; init; }
}

/// <summary>
/// Without a selector the baseline is the same selector over <see cref="Window"/> before the deploy. With a selector it is
/// that population (a stable deployment) over the same time range as the release, canary-style.
/// </summary>
public sealed record BaselineSpec
{
    public Dictionary<string, string>? Selector { get; init; }
    public string? Window { get; init; }
}

/// <summary>A population the release did not change; a change it shares is not blamed on the release.</summary>
public sealed record ControlSpec
{
    public Dictionary<string, string>? Selector { get; init; }
}

/// <summary>An availability objective, as a percentage of requests that must not fail with a 5xx (e.g. 99.9).</summary>
public sealed record SloSpec
{
    public double? Objective { get; init; }
    /// <summary>How many times the sustainable error-budget burn rate a release may add before it counts as a regression (default 1).</summary>
    public double? MaxBurnRateIncrease { get; init; }
}

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

public sealed record WeightsSpec
{
    public double? Errors { get; init; }
    public double? ServerErrors { get; init; }
    public double? Latency { get; init; }
    public double? Traffic { get; init; }
}

public sealed record ThresholdsSpec
{
    public ThresholdSpec? ErrorRate { get; init; }
    public ThresholdSpec? ServerErrorRate { get; init; }
    public ThresholdSpec? LatencyP95 { get; init; }
    public ThresholdSpec? LatencyP99 { get; init; }
    /// <summary>Throughput lost beyond the control's change (minRatio 2 = halved).</summary>
    public ThresholdSpec? Traffic { get; init; }
}

public sealed record ThresholdSpec
{
    public double? MinRatio { get; init; }
    public double? MinIncrease { get; init; }
    public double? Alpha { get; init; }
    public bool? Critical { get; init; }
}

/// <summary>Metric names; the defaults follow the de-facto conventions (http_requests_total with a code label, http_request_duration_seconds).</summary>
public sealed record MetricsSpec
{
    public string? Requests { get; init; }
    public string? StatusLabel { get; init; }
    /// <summary>Anchored regular expression of status codes that count as errors (default [45]..).</summary>
    public string? ErrorCodes { get; init; }
    /// <summary>Anchored regular expression of status codes that count as server errors (default 5..).</summary>
    public string? ServerErrorCodes { get; init; }
    public string? LatencyHistogram { get; init; }
}

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

/// <summary>Operator- or CLI-wide defaults, loaded from a YAML file; a Release's own values win.</summary>
public sealed record AnalysisDefaults
{
    public AnalysisSpec? Analysis { get; init; }
    public MetricsSpec? Metrics { get; init; }
    [JsonPropertyName("baselineWindow")] public string? BaselineWindow { get; init; }
    /// <summary>An organisation-wide availability objective; a Release's own spec.slo wins.</summary>
    public SloSpec? Slo { get; init; }
    public static AnalysisDefaults None { get; } = new();
}
