namespace ReleaseRadar.Api;

/// <summary>status.predecessor and status.successor: a neighbouring Release of the same target.</summary>
public sealed record ReleaseLinkStatus
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Verdict { get; init; }
}
