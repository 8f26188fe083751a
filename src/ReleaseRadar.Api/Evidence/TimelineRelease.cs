namespace ReleaseRadar.Api.Evidence;

public sealed record TimelineRelease(
    string Name,
    string Namespace,
    string Release,
    string? Commit,
    string? Target,
    string? DeployedAt,
    string Classification,
    int? RiskScore,
    IReadOnlyList<TimelineEntry> History
);
