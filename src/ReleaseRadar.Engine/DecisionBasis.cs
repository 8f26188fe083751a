namespace ReleaseRadar.Engine;

/// <summary>Why the verdict is what it is, as values; Core's status mapper turns it into the sentence a reader sees.</summary>
public enum DecisionBasis
{
    /// <summary>A critical metric regressed: decided without waiting for confirmation.</summary>
    Critical,

    /// <summary>The final analysis of the window decides on its own.</summary>
    Final,
    Unchanged,
    FirstConclusion,
    EnoughData,

    /// <summary>The same conclusion held in <see cref="VerdictDecision.Streak"/> analyses in a row.</summary>
    Confirmed,

    /// <summary>A different conclusion was seen, but not yet in enough analyses in a row; the earlier verdict stays.</summary>
    AwaitingConfirmation,
}
