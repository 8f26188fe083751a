namespace ReleaseRadar.Api.Evidence;

public sealed record Timeline(string GeneratedAt, IReadOnlyList<TimelineRelease> Releases);
