namespace ReleaseRadar.Engine;

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
