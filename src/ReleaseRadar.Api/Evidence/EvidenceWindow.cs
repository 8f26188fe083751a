namespace ReleaseRadar.Api.Evidence;

/// <summary>A time range of an analysis (RFC 3339), start inclusive, end exclusive.</summary>
public sealed record EvidenceWindow(string? Start, string? End);
