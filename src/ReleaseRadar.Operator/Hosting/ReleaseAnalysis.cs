using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>Everything about one release's analysis: values, baseline, reasons, score, conditions and history.</summary>
internal sealed record ReleaseAnalysis(
    ReleaseSummary Release,
    IReadOnlyList<string> Reasons,
    MetricValues? Current,
    MetricValues? Baseline,
    ControlValues? Control,
    IReadOnlyList<MetricStatus> Metrics,
    IReadOnlyList<ReleaseCondition> Conditions,
    IReadOnlyList<HistoryEntry> History,
    TimeRange? AnalysisWindow,
    TimeRange? BaselineWindow,
    IReadOnlyList<ActionRecord> Actions
);
