namespace ReleaseRadar.Analysis.State;

/// <summary>A time range an analysis read.</summary>
public sealed record TimeWindow(DateTimeOffset Start, DateTimeOffset End);
