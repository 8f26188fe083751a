using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>Traffic of one population (release, baseline or control) over one window, step by step.</summary>
/// <param name="ExpectedSteps">How many steps the window should hold; fewer present means gaps.</param>
/// <param name="InvalidValues">NaN, ±Inf or negative values the adapter met and dropped, counted so they can be reported.</param>
/// <param name="HistogramDefects">Steps whose latency buckets were wrong in shape; their latency was dropped.</param>
public sealed record TrafficWindow(
    DateTimeOffset Start,
    DateTimeOffset End,
    TimeSpan Step,
    ImmutableArray<StepSample> Steps,
    int ExpectedSteps,
    int InvalidValues = 0,
    ImmutableArray<HistogramDefect> HistogramDefects = default
)
{
    public ImmutableArray<HistogramDefect> HistogramDefectsOrEmpty => HistogramDefects.IsDefault ? [] : HistogramDefects;

    public static TrafficWindow Empty(DateTimeOffset start, DateTimeOffset end, TimeSpan step) =>
        new(start, end, step, [], Math.Max(0, (int)Math.Round((end - start) / step)));
}
