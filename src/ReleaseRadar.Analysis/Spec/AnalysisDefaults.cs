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
    public static AnalysisDefaults None { get; } = new();
}
