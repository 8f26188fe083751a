using System.Text.Json.Serialization;

namespace ReleaseRadar.Core.Model;

/// <summary>Everything Release Radar knows about a release. The single source of truth: a restarted operator resumes from it.</summary>
public sealed record ReleaseStatus
{
    public string? Phase { get; init; }
    public string? Verdict { get; init; }
    public int? RiskScore { get; init; }
    public List<string>? Reasons { get; init; }
    public MetricValues? Current { get; init; }
    public MetricValues? Baseline { get; init; }
    public ControlValues? Control { get; init; }
    public List<MetricStatus>? Metrics { get; init; }
    public List<ReleaseCondition>? Conditions { get; init; }

    [JsonConverter(typeof(HistoryJsonConverter))]
    public List<HistoryEntry>? History { get; init; }
    public long? ObservedGeneration { get; init; }
    public string? LastAnalysisTime { get; init; }
    public TimeRange? AnalysisWindow { get; init; }
    public TimeRange? BaselineWindow { get; init; }

    /// <summary>How the step values were read: the scrape interval Prometheus showed, and the range each step read.</summary>
    public SampleSpacing? Sampling { get; init; }
    public List<ActionRecord>? Actions { get; init; }

    /// <summary>The target Deployment's revision when the analysis began: the revision this verdict is about.</summary>
    public string? TargetRevision { get; init; }
}
