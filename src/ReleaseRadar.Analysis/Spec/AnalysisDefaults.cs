using System.Text.Json.Serialization;

namespace ReleaseRadar.Analysis.Spec;

/// <summary>Operator- or CLI-wide defaults, loaded from a YAML file; a Release's own values win.</summary>
public sealed record AnalysisDefaults
{
    public AnalysisSpec? Analysis { get; init; }
    public MetricsSpec? Metrics { get; init; }

    [JsonPropertyName("baselineWindow")]
    public string? BaselineWindow { get; init; }

    /// <summary>An organisation-wide availability objective; a Release's own spec.slo wins.</summary>
    public SloSpec? Slo { get; init; }

    /// <summary>
    /// What each namespace's Releases may read, as prom-label-proxy confines a tenant: namespace → label matchers added to
    /// every selector of every query (their selectors, and each selector in a custom metric's query). "*" applies to
    /// namespaces not listed, and "{namespace}" in a value is the Release's namespace. Without it, queries are not confined.
    /// </summary>
    public Dictionary<string, Dictionary<string, string>>? QueryConfinement { get; init; }
    public static AnalysisDefaults None { get; } = new();
}
