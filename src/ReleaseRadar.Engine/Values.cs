using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>One bucket of a cumulative latency histogram (Prometheus <c>le</c> semantics).</summary>
public readonly record struct HistogramBucket(double UpperBound, double CumulativeCount);

/// <summary>A cumulative histogram for one step or one whole window. Buckets are sorted by upper bound; the last is +Inf.</summary>
public sealed record LatencyHistogram(ImmutableArray<HistogramBucket> Buckets)
{
    public double Count => Buckets.IsDefaultOrEmpty ? 0 : Buckets[^1].CumulativeCount;
}

/// <summary>
/// What the service did during one analysis step (the increase of the counters over (Time - step, Time]).
/// Errors counts every response the policy calls an error (by default 4xx and 5xx); ServerErrors only 5xx.
/// </summary>
public sealed record StepSample(DateTimeOffset Time, double Requests, double Errors, double ServerErrors, LatencyHistogram? Latency);

/// <summary>Traffic of one population (release, baseline or control) over one window, step by step.</summary>
/// <param name="ExpectedSteps">How many steps the window should hold; fewer present means gaps.</param>
/// <param name="InvalidValues">NaN, ±Inf or negative values the adapter met and dropped, counted so they can be reported.</param>
public sealed record TrafficWindow(
    DateTimeOffset Start,
    DateTimeOffset End,
    TimeSpan Step,
    ImmutableArray<StepSample> Steps,
    int ExpectedSteps,
    int InvalidValues = 0)
{
    public static TrafficWindow Empty(DateTimeOffset start, DateTimeOffset end, TimeSpan step) =>
        new(start, end, step, [], Math.Max(0, (int)Math.Round((end - start) / step)));
}

/// <summary>One point of a scalar series (a custom PromQL metric), per step.</summary>
public readonly record struct ScalarPoint(DateTimeOffset Time, double Value);

public sealed record ScalarWindow(ImmutableArray<ScalarPoint> Points, int ExpectedSteps, int InvalidValues = 0);

/// <summary>Data of one custom metric for every population it was queried for.</summary>
public sealed record CustomMetricData(string Name, ScalarWindow Current, ScalarWindow Baseline, ScalarWindow? ControlCurrent, ScalarWindow? ControlBaseline);

/// <summary>How the baseline relates to the release in time.</summary>
public enum BaselineMode
{
    /// <summary>The same selector over a window before the deploy.</summary>
    BeforeDeploy,
    /// <summary>A different selector (a stable deployment) over the same time range as the release.</summary>
    Concurrent,
}

/// <summary>Everything the engine needs for one analysis. Control windows are present only when the Release names a control.</summary>
public sealed record AnalysisInput(
    BaselineMode Mode,
    TrafficWindow Current,
    TrafficWindow Baseline,
    TrafficWindow? ControlCurrent = null,
    TrafficWindow? ControlBaseline = null,
    ImmutableArray<CustomMetricData> Custom = default,
    DateTimeOffset? DeployedAt = null)
{
    public bool HasControl => ControlCurrent is not null && ControlBaseline is not null;
    public ImmutableArray<CustomMetricData> CustomOrEmpty => Custom.IsDefault ? [] : Custom;
}
