using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Engine;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.UnitTests.Prometheus;

/// <summary>
/// Answers that are well-formed JSON but wrong in shape: series without the status label, latency buckets that are not a
/// cumulative histogram. Each is named for what it is; none is read as if it were right.
/// </summary>
public sealed class DataShapeTests
{
    private static readonly MetricNames Names = ReleasePlanner.Plan(ReleaseRadar.UnitTests.Core.PlannerTests.Valid().Subject).Plan!.Metrics;
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(1_763_900_040);
    private static readonly StepRange Minute = StepRange.For(TimeSpan.FromMinutes(1), null);

    private static PrometheusSeries Series(Dictionary<string, string> labels, double value) => new(labels, [new PrometheusPoint(T, value)]);

    private static PrometheusResult Matrix(params PrometheusSeries[] series) => new("matrix", series, []);

    private static PrometheusResult Buckets(params (string Le, double Count)[] buckets) =>
        Matrix([.. buckets.Select(b => Series(new() { ["le"] = b.Le }, b.Count))]);

    [Fact]
    public void Series_without_the_status_label_are_counted_apart_never_as_successes()
    {
        // What "sum by (code)" answers for series labelled status_code: no code at all.
        var span = PrometheusReleaseSource.ToSpan(Names, Matrix(Series(new(), 900), Series(new(), 100)), Matrix(), null, Minute);
        Assert.Empty(span.Steps);
        Assert.Equal(1000, span.Unlabelled);
    }

    [Fact]
    public void Labelled_series_are_read_as_before()
    {
        var span = PrometheusReleaseSource.ToSpan(
            Names,
            Matrix(Series(new() { ["code"] = "200" }, 900), Series(new() { ["code"] = "503" }, 100)),
            Buckets(("0.1", 500), ("+Inf", 1000)),
            null,
            Minute
        );
        var step = Assert.Single(span.Steps.Values);
        Assert.Equal((1000, 100, 100), (step.Requests, step.Errors, step.ServerErrors));
        Assert.Equal(0, span.Unlabelled);
        Assert.NotNull(step.Latency);
        Assert.Empty(span.Defects);
    }

    [Theory]
    [InlineData("0.1", 1200, "+Inf", 1000, HistogramDefectKind.NotCumulative)]
    [InlineData("abc", 10, "+Inf", 1000, HistogramDefectKind.BoundNotANumber)]
    [InlineData("NaN", 10, "+Inf", 1000, HistogramDefectKind.BoundNotANumber)]
    [InlineData("0.1", 10, "0.5", 1000, HistogramDefectKind.NoInfiniteBucket)]
    public void Buckets_that_are_not_a_histogram_are_named_and_dropped(
        string le,
        double count,
        string higher,
        double higherCount,
        HistogramDefectKind kind
    )
    {
        var span = PrometheusReleaseSource.ToSpan(
            Names,
            Matrix(Series(new() { ["code"] = "200" }, 1000)),
            Buckets((le, count), (higher, higherCount)),
            null,
            Minute
        );
        Assert.Null(Assert.Single(span.Steps.Values).Latency);
        var defect = Assert.Single(span.Defects);
        Assert.Equal(kind, defect.Kind);
    }

    [Fact]
    public void The_rounding_increase_leaves_between_buckets_is_not_a_defect()
    {
        // increase() extrapolates each bucket series on its own, so neighbouring buckets can differ by a fraction of a request.
        var span = PrometheusReleaseSource.ToSpan(
            Names,
            Matrix(Series(new() { ["code"] = "200" }, 1000)),
            Buckets(("0.1", 500.4), ("0.25", 500.1), ("+Inf", 1000)),
            null,
            Minute
        );
        Assert.NotNull(Assert.Single(span.Steps.Values).Latency);
        Assert.Empty(span.Defects);
    }
}
