namespace ReleaseRadar.Engine;

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
