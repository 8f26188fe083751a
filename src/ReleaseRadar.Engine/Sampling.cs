namespace ReleaseRadar.Engine;

/// <summary>
/// How the step values were read: the spacing of the samples (the scrape interval, where the adapter could learn it) and
/// the range each step's increase was read over. A range wider than the step means neighbouring steps share samples.
/// </summary>
public sealed record Sampling(TimeSpan? SampleInterval, TimeSpan Range, TimeSpan Step);
