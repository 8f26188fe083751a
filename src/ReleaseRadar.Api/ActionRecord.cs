namespace ReleaseRadar.Api;

/// <summary>Something Release Radar did to the target (annotate, undo), recorded for audit.</summary>
public sealed record ActionRecord
{
    public string? Time { get; init; }
    public string? Action { get; init; }

    /// <summary>The verdict the action answered, so an action still owed for the current verdict can be told apart.</summary>
    public string? Verdict { get; init; }
    public string? Target { get; init; }
    public string? Result { get; init; }
    public string? Message { get; init; }

    /// <summary>Undo only: the revision whose pod template was restored.</summary>
    public string? ToRevision { get; init; }
}
