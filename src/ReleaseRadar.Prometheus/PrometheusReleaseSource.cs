using System.Collections.Immutable;
using System.Globalization;
using ReleaseRadar.Core;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Fetches a release's traffic from Prometheus as per-step samples: requests by status code and latency buckets, each
/// as increase() over one step. In before/after mode one range query spans baseline and release, so a release costs two
/// queries (four with a control) per analysis, whatever the window length.
/// </summary>
public sealed class PrometheusReleaseSource(PrometheusClient client, PopulationBatcher? batcher = null) : IReleaseMetricSource
{
    public async Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows windows, CancellationToken cancellationToken)
    {
        var w = windows;
        if (plan.Mode == BaselineMode.BeforeDeploy)
        {
            var releaseSpan = FetchTrafficAsync(plan, plan.Selector, w.BaselineStart, w.CurrentEnd, w.Step, cancellationToken);
            var controlSpan = plan.ControlSelector is { } cs
                ? FetchTrafficAsync(plan, cs, w.BaselineStart, w.CurrentEnd, w.Step, cancellationToken)
                : null;
            var customs = FetchCustomAsync(plan, w, cancellationToken);
            var release = await releaseSpan.ConfigureAwait(false);
            var control = controlSpan is null ? null : await controlSpan.ConfigureAwait(false);
            return new AnalysisInput(
                BaselineMode.BeforeDeploy,
                Slice(release, w.CurrentStart, w.CurrentEnd, w.Step),
                Slice(release, w.BaselineStart, w.BaselineEnd, w.Step),
                control is null ? null : Slice(control, w.CurrentStart, w.CurrentEnd, w.Step),
                control is null ? null : Slice(control, w.BaselineStart, w.BaselineEnd, w.Step),
                await customs.ConfigureAwait(false)
            );
        }

        var current = FetchTrafficAsync(plan, plan.Selector, w.CurrentStart, w.CurrentEnd, w.Step, cancellationToken);
        var baseline = FetchTrafficAsync(plan, plan.BaselineSelector!, w.CurrentStart, w.CurrentEnd, w.Step, cancellationToken);
        var custom = FetchCustomAsync(plan, w, cancellationToken);
        return new AnalysisInput(
            BaselineMode.Concurrent,
            Slice(await current.ConfigureAwait(false), w.CurrentStart, w.CurrentEnd, w.Step),
            Slice(await baseline.ConfigureAwait(false), w.BaselineStart, w.BaselineEnd, w.Step),
            null,
            null,
            await custom.ConfigureAwait(false)
        );
    }

    /// <summary>Step samples keyed by step end time, plus how many odd values were dropped.</summary>
    internal sealed record TrafficSpan(SortedDictionary<DateTimeOffset, StepSample> Steps, Dictionary<DateTimeOffset, int> Invalid);

    private async Task<TrafficSpan> FetchTrafficAsync(
        ReleasePlan plan,
        IReadOnlyDictionary<string, string> selector,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        CancellationToken cancellationToken
    )
    {
        if (batcher is not null)
        {
            var (batchRequests, batchBuckets) = await batcher
                .FetchAsync(plan.Metrics, selector, from, to, step, cancellationToken)
                .ConfigureAwait(false);
            return ToSpan(plan.Metrics, batchRequests, batchBuckets, selector);
        }
        var m = plan.Metrics;
        var requestsTask = client.QueryRangeAsync(
            PromQl.RequestsByCode(m.Requests, m.StatusLabel, selector, step),
            from + step,
            to,
            step,
            cancellationToken
        );
        var bucketsTask = client.QueryRangeAsync(PromQl.LatencyBuckets(m.LatencyHistogram, selector, step), from + step, to, step, cancellationToken);
        return ToSpan(m, await requestsTask.ConfigureAwait(false), await bucketsTask.ConfigureAwait(false), null);
    }

    /// <summary>
    /// Turns the two matrices into step samples. With <paramref name="only"/>, series whose selector labels differ are
    /// skipped: a batched answer holds many populations, and each takes its own.
    /// </summary>
    internal static TrafficSpan ToSpan(MetricNames m, PrometheusResult requests, PrometheusResult buckets, IReadOnlyDictionary<string, string>? only)
    {
        bool Mine(PrometheusSeries s) => only is null || only.All(kv => s.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
        var invalid = new Dictionary<DateTimeOffset, int>();
        void CountInvalid(DateTimeOffset t) => invalid[t] = invalid.GetValueOrDefault(t) + 1;

        var totals = new SortedDictionary<DateTimeOffset, (double Requests, double Errors, double Server)>();
        foreach (var series in requests.Series.Where(Mine))
        {
            var code = series.Labels.GetValueOrDefault(m.StatusLabel) ?? "";
            var isError = code.Length > 0 && m.ErrorCodes.IsMatch(code);
            var isServer = code.Length > 0 && m.ServerErrorCodes.IsMatch(code);
            foreach (var p in series.Points)
            {
                if (!double.IsFinite(p.Value) || p.Value < 0)
                {
                    CountInvalid(p.Time);
                    continue;
                }
                var cur = totals.GetValueOrDefault(p.Time);
                totals[p.Time] = (cur.Requests + p.Value, cur.Errors + (isError ? p.Value : 0), cur.Server + (isServer ? p.Value : 0));
            }
        }

        var histograms = new Dictionary<DateTimeOffset, List<HistogramBucket>>();
        foreach (var series in buckets.Series.Where(Mine))
        {
            if (!series.Labels.TryGetValue("le", out var le) || !TryParseBound(le, out var bound))
                continue;
            foreach (var p in series.Points)
            {
                if (!double.IsFinite(p.Value) || p.Value < 0)
                {
                    CountInvalid(p.Time);
                    continue;
                }
                if (!histograms.TryGetValue(p.Time, out var list))
                    histograms[p.Time] = list = [];
                list.Add(new HistogramBucket(bound, p.Value));
            }
        }

        var steps = new SortedDictionary<DateTimeOffset, StepSample>();
        foreach (var (time, t) in totals)
        {
            LatencyHistogram? latency = null;
            if (histograms.TryGetValue(time, out var list) && list.Any(b => double.IsPositiveInfinity(b.UpperBound)))
                latency = new LatencyHistogram([.. list.OrderBy(b => b.UpperBound)]);
            steps[time] = new StepSample(time, t.Requests, t.Errors, t.Server, latency);
        }
        return new TrafficSpan(steps, invalid);
    }

    private static TrafficWindow Slice(TrafficSpan span, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        // A step sample at time t covers (t - step, t]; it belongs to the window when t is in (start, end].
        var steps = span.Steps.Where(kv => kv.Key > start && kv.Key <= end).Select(kv => kv.Value).ToImmutableArray();
        var invalid = span.Invalid.Where(kv => kv.Key > start && kv.Key <= end).Sum(kv => kv.Value);
        return new TrafficWindow(start, end, step, steps, (int)Math.Round((end - start) / step), invalid);
    }

    private async Task<ImmutableArray<CustomMetricData>> FetchCustomAsync(ReleasePlan plan, AnalysisWindows w, CancellationToken cancellationToken)
    {
        if (plan.CustomQueries.IsEmpty)
            return [];
        var results = new List<CustomMetricData>();
        foreach (var q in plan.CustomQueries)
        {
            if (plan.Mode == BaselineMode.BeforeDeploy)
            {
                var release = await ScalarAsync(q, plan.Selector, w.BaselineStart, w.CurrentEnd, w.Step, cancellationToken).ConfigureAwait(false);
                var control = plan.ControlSelector is { } cs
                    ? await ScalarAsync(q, cs, w.BaselineStart, w.CurrentEnd, w.Step, cancellationToken).ConfigureAwait(false)
                    : null;
                results.Add(
                    new CustomMetricData(
                        q.Name,
                        SliceScalar(release, w.CurrentStart, w.CurrentEnd, w.Step),
                        SliceScalar(release, w.BaselineStart, w.BaselineEnd, w.Step),
                        control is null ? null : SliceScalar(control, w.CurrentStart, w.CurrentEnd, w.Step),
                        control is null ? null : SliceScalar(control, w.BaselineStart, w.BaselineEnd, w.Step)
                    )
                );
            }
            else
            {
                var current = await ScalarAsync(q, plan.Selector, w.CurrentStart, w.CurrentEnd, w.Step, cancellationToken).ConfigureAwait(false);
                var baseline = await ScalarAsync(q, plan.BaselineSelector!, w.CurrentStart, w.CurrentEnd, w.Step, cancellationToken)
                    .ConfigureAwait(false);
                results.Add(
                    new CustomMetricData(
                        q.Name,
                        SliceScalar(current, w.CurrentStart, w.CurrentEnd, w.Step),
                        SliceScalar(baseline, w.BaselineStart, w.BaselineEnd, w.Step),
                        null,
                        null
                    )
                );
            }
        }
        return [.. results];
    }

    private async Task<IReadOnlyList<PrometheusPoint>> ScalarAsync(
        CustomQuery q,
        IReadOnlyDictionary<string, string> selector,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        CancellationToken cancellationToken
    )
    {
        var result = await client
            .QueryRangeAsync(PromQl.Custom(q.QueryTemplate, selector, step), from + step, to, step, cancellationToken)
            .ConfigureAwait(false);
        if (result.Series.Count > 1)
            throw new PrometheusException(
                "CustomMetricNotScalar",
                $"Custom metric '{q.Name}' returned {result.Series.Count} series; its query must aggregate to one (e.g. wrap it in sum(...) "
                    + $"or avg(...))"
            );
        return result.Series.Count == 0 ? [] : result.Series[0].Points;
    }

    private static ScalarWindow SliceScalar(IReadOnlyList<PrometheusPoint> points, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        var inside = points.Where(p => p.Time > start && p.Time <= end).ToList();
        var valid = inside.Where(p => double.IsFinite(p.Value)).Select(p => new ScalarPoint(p.Time, p.Value)).ToImmutableArray();
        return new ScalarWindow(valid, (int)Math.Round((end - start) / step), inside.Count - valid.Length);
    }

    private static bool TryParseBound(string le, out double bound)
    {
        if (le is "+Inf" or "Inf")
        {
            bound = double.PositiveInfinity;
            return true;
        }
        return double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out bound);
    }
}
