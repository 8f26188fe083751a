namespace ReleaseRadar.Analysis.Planning;

public enum ReleasePhase
{
    /// <summary>deployedAt is in the future.</summary>
    Pending,

    /// <summary>The spec cannot be analysed; the SpecValid condition says why. Nothing happens until it changes.</summary>
    Invalid,

    /// <summary>Inside the warm-up, or no full step of data yet.</summary>
    WarmingUp,
    Analyzing,

    /// <summary>The analysis window has ended; the verdict is final.</summary>
    Completed,

    /// <summary>
    /// The target moved on to another rollout before the window ended (the next release, a rollback, our own Undo): the
    /// verdict stays as last analysed over this release's own traffic, and nothing is done to the target any more.
    /// </summary>
    Superseded,
}
