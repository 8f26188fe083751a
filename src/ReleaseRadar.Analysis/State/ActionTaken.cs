using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.State;

/// <summary>Something Release Radar did to the target (annotate, undo), and the verdict it answered, recorded for audit.</summary>
public sealed record ActionTaken(DateTimeOffset? At, ReleaseAction Action, Verdict? Verdict, string? Target, ActionResult Result, string? Message)
{
    /// <summary>Undo only: the revision whose pod template was restored (the evidence says "rolled back to revision N").</summary>
    public string? ToRevision { get; init; }
}
