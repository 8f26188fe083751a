using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using ReleaseRadar.Core;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Fetches a release's traffic from Prometheus as per-step samples: requests by status code and latency buckets, each
/// as increase() over one step. In before/after mode one range query spans baseline and release, so a release costs two
/// queries (four with a control) per analysis, whatever the window length; a replay costs that once for all its windows.
/// </summary>
public sealed class PrometheusReleaseSource(PrometheusClient client, PopulationBatcher? batcher = null) : IReleaseMetricSource
{
    /// <summary>Steps already taken out of a batched answer, per population; they live as long as the answer does.</summary>
    private readonly ConditionalWeakTable<PrometheusResult, ConcurrentDictionary<string, TrafficSpan>> _spans = new();

    public async Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows windows, CancellationToken cancellationToken)
    {
        var (from, to) = Range(plan, windows);
        return Cut(plan, await FetchRangeAsync(plan, from, to, windows.Step, cancellationToken).ConfigureAwait(false), windows);
    }

    /// <summary>
    /// Tells the batcher which populations this release will ask for at <paramref name="windows"/>, without querying, so
    /// the first fetches after a start cover many populations at once (see <see cref="PopulationBatcher.Expect"/>).
    /// </summary>
    public void Expect(ReleasePlan plan, AnalysisWindows windows)
    {
        if (batcher is null)
            return;
        var from = Range(plan, windows).From;
        foreach (var selector in new[] { plan.Selector, OtherSelector(plan) })
            if (selector is not null)
                batcher.Expect(plan.Metrics, selector, from, windows.Step);
    }

    /// <summary>
    /// Fetches the span of all the windows once and cuts each from it. Step values do not depend on where a range query
    /// starts, as long as it starts on the same step grid, so each cut is what a fetch of that window alone would give; a
    /// window off the grid, or of another step, is fetched on its own.
    /// </summary>
    public async Task<IReleaseMetricSource> ForWindowsAsync(
        ReleasePlan plan,
        IReadOnlyList<AnalysisWindows> windows,
        CancellationToken cancellationToken
    )
    {
        if (windows.Count < 2)
            return this;
        var step = windows[0].Step;
        var from = windows.Min(w => Range(plan, w).From);
        var to = windows.Max(w => Range(plan, w).To);
        bool OnGrid(DateTimeOffset t) => (t - from).Ticks % step.Ticks == 0;
        if (
            windows.Any(w => w.Step != step || !OnGrid(w.BaselineStart) || !OnGrid(w.CurrentStart) || !OnGrid(w.CurrentEnd) || !OnGrid(w.BaselineEnd))
        )
            return this;
        var fetched = await FetchRangeAsync(plan, from, to, step, cancellationToken).ConfigureAwait(false);
        return new CutSource(this, plan.QueryIdentity(), fetched);
    }

    /// <summary>Serves windows inside one fetched range of one plan; anything else goes to the source itself.</summary>
    private sealed class CutSource(PrometheusReleaseSource source, string identity, FetchedRange fetched) : IReleaseMetricSource
    {
        public Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows windows, CancellationToken cancellationToken)
        {
            var (from, to) = Range(plan, windows);
            return plan.QueryIdentity() == identity && windows.Step == fetched.Step && from >= fetched.From && to <= fetched.To
                ? Task.FromResult(Cut(plan, fetched, windows))
                : source.FetchAsync(plan, windows, cancellationToken);
        }
    }

    /// <summary>Traffic and custom metrics of one plan over one range, before they are cut into windows.</summary>
    private sealed record FetchedRange(
        DateTimeOffset From,
        DateTimeOffset To,
        TimeSpan Step,
        TrafficSpan Release,
        TrafficSpan? Control,
        TrafficSpan? Baseline,
        ImmutableArray<FetchedCustom> Customs
    );

    private sealed record FetchedCustom(
        string Name,
        IReadOnlyList<PrometheusPoint> Release,
        IReadOnlyList<PrometheusPoint>? Control,
        IReadOnlyList<PrometheusPoint>? Baseline
    );

    /// <summary>
    /// Before/after: one range spans baseline and release, so a release costs two queries (four with a control). Concurrent:
    /// the release and its baseline population over the current window.
    /// </summary>
    private static (DateTimeOffset From, DateTimeOffset To) Range(ReleasePlan plan, AnalysisWindows w) =>
        plan.Mode == BaselineMode.BeforeDeploy ? (w.BaselineStart, w.CurrentEnd) : (w.CurrentStart, w.CurrentEnd);

    /// <summary>The second population a release's analysis reads: its concurrent baseline, or its control group.</summary>
    private static ImmutableSortedDictionary<string, string>? OtherSelector(ReleasePlan plan) =>
        plan.Mode != BaselineMode.BeforeDeploy ? plan.BaselineSelector : plan.ControlSelector;

    private async Task<FetchedRange> FetchRangeAsync(ReleasePlan plan, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken ct)
    {
        var concurrent = plan.Mode != BaselineMode.BeforeDeploy;
        var releaseSpan = FetchTrafficAsync(plan, plan.Selector, from, to, step, ct);
        var otherSelector = OtherSelector(plan);
        var otherSpan = otherSelector is { } other ? FetchTrafficAsync(plan, other, from, to, step, ct) : null;
        var customs = new List<FetchedCustom>();
        foreach (var q in plan.CustomQueries)
        {
            var release = await ScalarAsync(q, plan.Selector, from, to, step, ct).ConfigureAwait(false);
            var second = otherSelector is { } o ? await ScalarAsync(q, o, from, to, step, ct).ConfigureAwait(false) : null;
            customs.Add(new FetchedCustom(q.Name, release, concurrent ? null : second, concurrent ? second : null));
        }
        var releaseTraffic = await releaseSpan.ConfigureAwait(false);
        var otherTraffic = otherSpan is null ? null : await otherSpan.ConfigureAwait(false);
        return new FetchedRange(from, to, step, releaseTraffic, concurrent ? null : otherTraffic, concurrent ? otherTraffic : null, [.. customs]);
    }

    private static AnalysisInput Cut(ReleasePlan plan, FetchedRange f, AnalysisWindows w)
    {
        if (plan.Mode == BaselineMode.BeforeDeploy)
            return new AnalysisInput(
                BaselineMode.BeforeDeploy,
                Slice(f.Release, w.CurrentStart, w.CurrentEnd, w.Step),
                Slice(f.Release, w.BaselineStart, w.BaselineEnd, w.Step),
                f.Control is null ? null : Slice(f.Control, w.CurrentStart, w.CurrentEnd, w.Step),
                f.Control is null ? null : Slice(f.Control, w.BaselineStart, w.BaselineEnd, w.Step),
                [
                    .. f.Customs.Select(c => new CustomMetricData(
                        c.Name,
                        SliceScalar(c.Release, w.CurrentStart, w.CurrentEnd, w.Step),
                        SliceScalar(c.Release, w.BaselineStart, w.BaselineEnd, w.Step),
                        c.Control is null ? null : SliceScalar(c.Control, w.CurrentStart, w.CurrentEnd, w.Step),
                        c.Control is null ? null : SliceScalar(c.Control, w.BaselineStart, w.BaselineEnd, w.Step)
                    )),
                ]
            );
        return new AnalysisInput(
            BaselineMode.Concurrent,
            Slice(f.Release, w.CurrentStart, w.CurrentEnd, w.Step),
            Slice(f.Baseline!, w.BaselineStart, w.BaselineEnd, w.Step),
            null,
            null,
            [
                .. f.Customs.Select(c => new CustomMetricData(
                    c.Name,
                    SliceScalar(c.Release, w.CurrentStart, w.CurrentEnd, w.Step),
                    SliceScalar(c.Baseline!, w.BaselineStart, w.BaselineEnd, w.Step),
                    null,
                    null
                )),
            ]
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
            // Releases of one population share a batched answer: the first to read it takes the population's steps out,
            // the others reuse them (at 10,000 Releases over 20 services, 500 Releases read each service's series).
            var names = plan.Metrics;
            var spanKey =
                $"{names.Requests}|{names.StatusLabel}|{names.ErrorCodes}|{names.ServerErrorCodes}|{names.LatencyHistogram}|"
                + string.Join("\u0001", selector.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
            return _spans
                .GetValue(batchRequests, _ => new ConcurrentDictionary<string, TrafficSpan>())
                .GetOrAdd(spanKey, _ => ToSpan(names, batchRequests, batchBuckets, selector));
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
