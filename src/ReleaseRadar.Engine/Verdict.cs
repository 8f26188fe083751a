namespace ReleaseRadar.Engine;

/// <summary>The verdict: fine, risky, or not enough data to say. The words the user reads are in the Vocabulary of the analysis.</summary>
public enum Verdict
{
    Ok,
    Risky,
    InsufficientData,
}
