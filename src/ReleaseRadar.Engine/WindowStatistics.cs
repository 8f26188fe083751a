using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine;

/// <summary>Per-window aggregates and per-step series derived from step samples.</summary>
public static class WindowStatistics
{
    public static double Requests(TrafficWindow w) => w.Steps.Sum(s => s.Requests);

    public static double Coverage(TrafficWindow w) =>
        w.ExpectedSteps <= 0 ? 0 : Math.Min(1.0, w.Steps.Count(s => s.Requests > 0) / (double)w.ExpectedSteps);

    public static LatencyHistogram? Histogram(TrafficWindow w) => HistogramQuantile.Sum(w.Steps.Select(s => s.Latency));

    public static double? Quantile(TrafficWindow w, double q) => Quantile(Histogram(w), q);

    /// <summary>The q-quantile of a window's histogram already summed (<see cref="Histogram(TrafficWindow)"/>).</summary>
    public static double? Quantile(LatencyHistogram? histogram, double q) =>
        Finite(histogram is { } h ? HistogramQuantile.Quantile(q, h) : double.NaN);

    /// <summary>The q-quantile of every step that served at least one request, keyed by step time.</summary>
    public static IReadOnlyList<ScalarPoint> StepQuantiles(TrafficWindow w, double q) =>
        w
            .Steps.Where(s => s.Latency is { Count: > 0 })
            .Select(s => new ScalarPoint(s.Time, HistogramQuantile.Quantile(q, s.Latency!)))
            .Where(p => double.IsFinite(p.Value))
            .ToList();

    public static IReadOnlyList<ScalarPoint> StepThroughput(TrafficWindow w) =>
        w.Steps.Select(s => new ScalarPoint(s.Time, s.Requests / w.Step.TotalSeconds)).ToList();

    public static WindowSummary Summarize(TrafficWindow w)
    {
        var requests = Requests(w);
        var withData = w.Steps.Count(s => s.Requests > 0);
        var histogram = Histogram(w);
        return new WindowSummary(
            Requests: requests,
            ErrorRate: requests > 0 ? w.Steps.Sum(s => s.Errors) / requests : null,
            ServerErrorRate: requests > 0 ? w.Steps.Sum(s => s.ServerErrors) / requests : null,
            LatencyP50: histogram is null ? null : Finite(HistogramQuantile.Quantile(0.50, histogram)),
            LatencyP95: histogram is null ? null : Finite(HistogramQuantile.Quantile(0.95, histogram)),
            LatencyP99: histogram is null ? null : Finite(HistogramQuantile.Quantile(0.99, histogram)),
            Throughput: withData > 0 ? requests / (withData * w.Step.TotalSeconds) : null,
            StepsWithData: withData,
            ExpectedSteps: w.ExpectedSteps
        );
    }

    internal static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
