namespace ReleaseRadar.Operator.Hosting;

/// <summary>A value at a time (RFC 3339); for an analysis, with the verdict it gave.</summary>
internal sealed record ViewPoint(string Time, double Value, string? Verdict = null);
