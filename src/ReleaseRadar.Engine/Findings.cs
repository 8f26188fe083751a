using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>Names of the built-in checks, as they appear in status and configuration.</summary>
public static class CheckNames
{
    public const string ErrorRate = "errorRate";
    public const string ServerErrorRate = "serverErrorRate";
    public const string LatencyP95 = "latencyP95";
    public const string LatencyP99 = "latencyP99";
    public const string Throughput = "throughput";
}

/// <summary>How a metric's value is expressed, so reasons can print 0.50 %, 182 ms or 1.2k req/s.</summary>
public enum MetricUnit
{
    Ratio,
    Seconds,
    RequestsPerSecond,
    Value,
}

public enum FindingOutcome
{
    /// <summary>Not enough samples to test this metric.</summary>
    NoData,
    /// <summary>Neither test passed, or the metric moved the good way.</summary>
    Unchanged,
    /// <summary>One of the two tests passed: worth mentioning, not enough to blame the release.</summary>
    Suspicious,
    /// <summary>Both the statistical and the practical test passed.</summary>
    Regressed,
}

/// <summary>Which part of the release window a finding judged.</summary>
public enum FindingScope
{
    /// <summary>The whole window since the warm-up.</summary>
    Window,
    /// <summary>Only the last <see cref="AnalysisPolicy.RecentSteps"/> steps: a regression that began late.</summary>
    Recent,
}

/// <summary>The control population's own change over the same period, which the release's change is discounted by.</summary>
public sealed record ControlShift(double? Current, double? Baseline, double Ratio);

/// <summary>The judgement of one metric against its baseline.</summary>
/// <param name="Expected">The baseline value scaled by the control's change (equals Baseline without a control).</param>
/// <param name="Ratio">Current over expected, oriented so that above 1 is worse.</param>
/// <param name="Delta">Current minus expected, oriented so that above 0 is worse.</param>
/// <param name="Severity">0 to 1; feeds the risk score.</param>
public sealed record MetricFinding(
    string Check,
    string Group,
    MetricUnit Unit,
    FindingOutcome Outcome,
    double? Current,
    double? Baseline,
    double? Expected,
    double? Ratio,
    double? Delta,
    double? PValue,
    bool StatisticallySignificant,
    bool PracticallySignificant,
    bool Critical,
    double Severity,
    ControlShift? Control,
    string Message)
{
    public FindingScope Scope { get; init; } = FindingScope.Window;

    /// <summary>When the regression began, where the data shows a clear start after the window opened.</summary>
    public DateTimeOffset? Onset { get; init; }

    /// <summary>
    /// The window held enough data for the test to have its power at the practical threshold. A critical regression
    /// decides the verdict at once only when conclusive; otherwise it must be confirmed like any other risk.
    /// </summary>
    public bool Conclusive { get; init; }
}

/// <summary>Headline values of one population over one window.</summary>
public sealed record WindowSummary(
    double Requests,
    double? ErrorRate,
    double? ServerErrorRate,
    double? LatencyP50,
    double? LatencyP95,
    double? LatencyP99,
    double? Throughput,
    int StepsWithData,
    int ExpectedSteps);

/// <summary>What one analysis concluded before any smoothing over time.</summary>
public enum Assessment
{
    Ok,
    /// <summary>Score at or above the risky threshold; needs confirmation by consecutive analyses.</summary>
    Risky,
    /// <summary>A critical metric regressed: risky at once.</summary>
    Critical,
    InsufficientData,
}

/// <summary>The outcome of one analysis: the raw assessment, the score and every finding, with human reasons.
/// <see cref="DataGaps"/> holds the reasons the data could not support an OK verdict (empty when it could).</summary>
public sealed record AnalysisResult(
    Assessment Assessment,
    int RiskScore,
    ImmutableArray<MetricFinding> Findings,
    ImmutableArray<string> Reasons,
    WindowSummary Current,
    WindowSummary Baseline,
    WindowSummary? ControlCurrent,
    WindowSummary? ControlBaseline,
    ImmutableArray<string> DataGaps);
