namespace ReleaseRadar.Engine;

/// <summary>How the baseline relates to the release in time.</summary>
public enum BaselineMode
{
    /// <summary>The same selector over a window before the deploy.</summary>
    BeforeDeploy,

    /// <summary>A different selector (a stable deployment) over the same time range as the release.</summary>
    Concurrent,
}
