namespace ReleaseRadar.Analysis.State;

/// <summary>Which window the baseline was read from.</summary>
public enum BaselineSource
{
    /// <summary>The window just before the deploy (or the concurrent baseline population).</summary>
    PreDeploy,

    /// <summary>
    /// The analysis window of the last Release of the same target judged OK: the pre-deploy window overlaps a
    /// predecessor judged risky, whose bad minutes would excuse the same regression.
    /// </summary>
    LastGoodRelease,
}
