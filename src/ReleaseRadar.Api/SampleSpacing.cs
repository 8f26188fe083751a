namespace ReleaseRadar.Api;

/// <summary>
/// The spacing of the samples behind the latest analysis (the scrape interval, as Go durations), and the range each step's
/// increase was read over: the step, or two scrape intervals where the step is shorter.
/// </summary>
public sealed record SampleSpacing
{
    public string? ScrapeInterval { get; init; }
    public string? QueryRange { get; init; }
}
