namespace ReleaseRadar.Analysis.State;

/// <summary>The spacing of the samples behind the latest analysis, and the range each step was read over.</summary>
public sealed record StepSampling(TimeSpan? ScrapeInterval, TimeSpan QueryRange);
