namespace ReleaseRadar.Analysis.Spec;

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

    /// <summary>What to do to the target Deployment when the verdict is risky: None, Annotate or Undo.</summary>
    public string? Rollback { get; init; }

    /// <summary>
    /// The populations this release's service calls, as label matchers (e.g. service: payments): `suspects` blames a bad
    /// release of one of them for this service's symptom. Not used by the analysis itself.
    /// </summary>
    public List<Dictionary<string, string>>? DependsOn { get; init; }
}
