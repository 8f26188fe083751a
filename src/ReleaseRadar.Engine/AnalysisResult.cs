using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>The outcome of one analysis: the raw assessment, the score and every finding, with human reasons.
/// <see cref="DataGaps"/> holds the reasons the data could not support an OK verdict (empty when it could). The baseline's
/// summary gives, for each metric whose baseline was screened, the value it was judged against.</summary>
public sealed record AnalysisResult(
    Assessment Assessment,
    int RiskScore,
    ImmutableArray<MetricFinding> Findings,
    ImmutableArray<string> Reasons,
    WindowSummary Current,
    WindowSummary Baseline,
    WindowSummary? ControlCurrent,
    WindowSummary? ControlBaseline,
    ImmutableArray<string> DataGaps,
    Sampling? Sampling = null
);
