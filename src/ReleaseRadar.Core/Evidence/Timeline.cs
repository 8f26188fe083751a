namespace ReleaseRadar.Core.Evidence;

public sealed record Timeline(string GeneratedAt, IReadOnlyList<TimelineRelease> Releases);
