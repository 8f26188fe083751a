namespace ReleaseRadar.Engine;

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
    string Message
)
{
    public FindingScope Scope { get; init; } = FindingScope.Window;

    /// <summary>When the regression began, where the data shows a clear start after the window opened.</summary>
    public DateTimeOffset? Onset { get; init; }

    /// <summary>
    /// The window held enough data for the test to have its power at the practical threshold. A critical regression
    /// decides the verdict at once only when conclusive; otherwise it must be confirmed like any other risk.
    /// </summary>
    public bool Conclusive { get; init; }

    /// <summary>
    /// The value is beyond the practical threshold, whether or not the statistical test (or the service's own variability)
    /// lets it count: such a metric can never be the ground of an OK.
    /// </summary>
    public bool BeyondThreshold { get; init; }
}
