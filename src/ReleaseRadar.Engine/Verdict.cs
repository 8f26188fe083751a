namespace ReleaseRadar.Engine;

/// <summary>The verdict: fine, risky, or not enough data to say. The words the user reads are in Core's status mapper.</summary>
public enum Verdict
{
    Ok,
    Riesgoso,
    InsufficientData,
}
