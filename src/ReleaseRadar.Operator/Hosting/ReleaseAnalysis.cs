using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>Everything about one release's analysis: values, baseline, reasons, score, conditions and history.</summary>
public sealed record ReleaseAnalysis(
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
