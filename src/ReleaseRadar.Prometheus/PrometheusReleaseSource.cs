using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Fetches a release's traffic from Prometheus as per-step samples: requests by status code and latency buckets, each
/// as increase() over one step. In before/after mode one range query spans baseline and release, so a release costs two
/// queries (four with a control) per analysis, whatever the window length; a replay costs that once for all its windows.
/// </summary>
public sealed class PrometheusReleaseSource(PrometheusClient client, PopulationBatcher? batcher = null, SampleIntervals? intervals = null)
    : IReleaseMetricSource
{
    private readonly SampleIntervals _intervals = intervals ?? new SampleIntervals(client, TimeProvider.System);

    /// <summary>Steps taken out of a population's points, by how they are counted; they live as long as the points do.</summary>
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
        var releaseTraffic = await releaseSpan.ConfigureAwait(false);
        var otherTraffic = otherSpan is null ? null : await otherSpan.ConfigureAwait(false);
        // A population with no series at all over the range is a setup mistake, not a quiet service. Only a concurrent
        // release may lack series (a canary that has served nothing yet); its baseline population is already running.
        if (!concurrent && releaseTraffic.Steps.Count == 0)
            throw await NoSeriesMatchedAsync(plan.Metrics, plan.Selector, "spec.selector", from, to, releaseTraffic.Range, ct).ConfigureAwait(false);
        if (otherSelector is not null && otherTraffic!.Steps.Count == 0)
        {
            var field = concurrent ? "spec.baseline.selector" : "spec.control.selector";
            throw await NoSeriesMatchedAsync(plan.Metrics, otherSelector, field, from, to, otherTraffic.Range, ct).ConfigureAwait(false);
        }
        var customs = new List<FetchedCustom>();
        foreach (var q in plan.CustomQueries)
        {
            // Custom queries read their {{range}} at the traffic's sample interval: the series of one population share a scrape.
            var release = await ScalarAsync(q, plan.Selector, from, to, releaseTraffic.Range, ct).ConfigureAwait(false);
            var second = otherSelector is { } o ? await ScalarAsync(q, o, from, to, otherTraffic!.Range, ct).ConfigureAwait(false) : null;
            customs.Add(new FetchedCustom(q.Name, release, concurrent ? null : second, concurrent ? second : null));
        }
        return new FetchedRange(from, to, step, releaseTraffic, concurrent ? null : otherTraffic, concurrent ? otherTraffic : null, [.. customs]);
    }

    private static AnalysisInput Cut(ReleasePlan plan, FetchedRange f, AnalysisWindows w) =>
        CutWindows(plan, f, w) with
        {
            Sampling = new Sampling(f.Release.Range.SampleInterval, f.Release.Range.Range, f.Release.Range.Step),
        };

    private static AnalysisInput CutWindows(ReleasePlan plan, FetchedRange f, AnalysisWindows w)
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

    /// <summary>
    /// Step samples keyed by step end time, how many odd values were dropped, the steps whose latency buckets were wrong in
    /// shape, the requests in series without the status label, and the range each step was read over.
    /// </summary>
    internal sealed record TrafficSpan(
        SortedDictionary<DateTimeOffset, StepSample> Steps,
        Dictionary<DateTimeOffset, int> Invalid,
        List<HistogramDefect> Defects,
        double Unlabelled,
        StepRange Range
    );

    private async Task<TrafficSpan> FetchTrafficAsync(
        ReleasePlan plan,
        IReadOnlyDictionary<string, string> selector,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        CancellationToken cancellationToken
    )
    {
        var m = plan.Metrics;
        TrafficSpan span;
        if (batcher is not null)
        {
            var (batchRequests, batchBuckets, batchRange) = await batcher
                .FetchAsync(m, selector, from, to, step, cancellationToken)
                .ConfigureAwait(false);
            // The batcher answers a population's Releases of one round with the same points once two have asked; they then
            // share the steps too (at 10,000 Releases over 20 services, 500 Releases read each service's steps).
            var spanKey = $"{m.Requests}|{m.StatusLabel}|{m.ErrorCodes}|{m.ServerErrorCodes}|{m.LatencyHistogram}";
            CheckCardinality(m, batchRequests, batchBuckets, selector);
            span = _spans
                .GetValue(batchRequests, _ => new ConcurrentDictionary<string, TrafficSpan>())
                .GetOrAdd(spanKey, _ => ToSpan(m, batchRequests, batchBuckets, selector, batchRange));
        }
        else
        {
            var matchers = PromQl.Matchers(selector);
            var range = StepRange.For(step, await _intervals.OfAsync(m.Requests, matchers, from, to, cancellationToken).ConfigureAwait(false));
            CheckRange(m, matchers, range);
            var requestsTask = client.QueryRangeAsync(
                PromQl.RequestsByCode(m.Requests, m.StatusLabel, matchers, range, []),
                from + step,
                to,
                step,
                cancellationToken
            );
            var bucketsTask = client.QueryRangeAsync(
                PromQl.LatencyBuckets(m.LatencyHistogram, matchers, range, []),
                from + step,
                to,
                step,
                cancellationToken
            );
            var (requests, buckets) = (await requestsTask.ConfigureAwait(false), await bucketsTask.ConfigureAwait(false));
            CheckCardinality(m, requests, buckets, selector);
            span = ToSpan(m, requests, buckets, null, range);
        }
        if (span.Unlabelled > 0)
            throw await MissingStatusLabelAsync(m, selector, span.Unlabelled, from, to, cancellationToken).ConfigureAwait(false);
        return span;
    }

    /// <summary>
    /// Refuses a population whose answer had more series than the cap (<see cref="PrometheusOptions.MaxSeriesPerPopulation"/>):
    /// its series past the cap were skipped unread, so what is left would be a wrong count, and the error names the cardinality.
    /// </summary>
    private static void CheckCardinality(
        MetricNames m,
        PrometheusResult requests,
        PrometheusResult buckets,
        IReadOnlyDictionary<string, string> selector
    )
    {
        if (requests.OverCapOf(selector) is { } codes)
            throw new PrometheusException(
                "TooManySeries",
                $"{PromQl.Selector(m.Requests, selector)} has {codes:N0} series by its status label '{m.StatusLabel}', over the cap of "
                    + $"{requests.Cap!.PerPopulation:N0} per release (--prometheus-max-series-per-release): that label has far more values "
                    + "than status codes do. Set "
                    + "spec.metrics.statusLabel to the label that carries the status code"
            );
        if (buckets.OverCapOf(selector) is { } bounds)
            throw new PrometheusException(
                "TooManySeries",
                $"{PromQl.Selector(m.LatencyHistogram + "_bucket", selector)} has {bounds:N0} bucket series, over the cap of "
                    + $"{buckets.Cap!.PerPopulation:N0} per release (--prometheus-max-series-per-release): a histogram has tens of "
                    + "buckets. Check spec.metrics.latencyHistogram"
            );
    }

    /// <summary>
    /// Refuses a step much shorter than the scrape interval: every step would read the same few samples as its neighbours,
    /// so the window would look like many independent steps when it holds a handful. Half a step of slack, because the
    /// interval is estimated from a sample count.
    /// </summary>
    internal static void CheckRange(MetricNames m, string matchers, StepRange range)
    {
        if (range.SampleInterval is { } interval && interval > range.Step * 1.5)
            throw new PrometheusException(
                "StepShorterThanScrapeInterval",
                $"spec.analysis.step {GoDuration.Format(range.Step)} is shorter than the {GoDuration.Format(interval)} between samples of "
                    + $"{m.Requests}{{{matchers}}} (its scrape interval): each step would repeat its neighbours' samples; use a step of at "
                    + $"least {GoDuration.Format(interval)}"
            );
    }

    /// <summary>
    /// The error for a population no series matched over the whole range: names the query, the range, and for each label
    /// of the selector whose value the metric never carries, the values it does carry (one /api/v1/label/NAME/values call
    /// per label), so a typo reads as one.
    /// </summary>
    private async Task<PrometheusException> NoSeriesMatchedAsync(
        MetricNames m,
        IReadOnlyDictionary<string, string> selector,
        string field,
        DateTimeOffset from,
        DateTimeOffset to,
        StepRange range,
        CancellationToken ct
    )
    {
        var query = PromQl.RequestsByCode(m.Requests, m.StatusLabel, PromQl.Matchers(selector), range, []);
        var hints = new List<string>();
        try
        {
            foreach (var (label, value) in selector.OrderBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxLabelsHinted))
            {
                var values = await client.LabelValuesAsync(label, PromQl.Series(m.Requests, ""), from, to, ct).ConfigureAwait(false);
                if (values.Contains(value, StringComparer.Ordinal))
                    continue;
                var shown = values.Order(StringComparer.Ordinal).Take(MaxValuesShown).Select(v => $"\"{v}\"");
                var more = values.Count > MaxValuesShown ? $" and {values.Count - MaxValuesShown} more" : "";
                hints.Add(
                    values.Count == 0
                        ? $"no {m.Requests} series in that range carries the label {label}"
                        : $"{label}=\"{value}\" is not among the values {m.Requests} carries: {string.Join(", ", shown)}{more}"
                );
            }
        }
        catch (PrometheusException e)
        {
            hints.Add($"the label values could not be listed ({e.Reason})");
        }
        var why = hints.Count > 0 ? string.Join("; ", hints) : "each label value exists, but not in this combination";
        return new PrometheusException(
            MetricSourceException.NoSeriesMatched,
            $"No series matched {field} between {Rfc3339.Format(from)} and {Rfc3339.Format(to)}: {query} returned nothing; {why}. "
                + "Check the selector, spec.metrics and the time; a service that has never served a request has no series either"
        );
    }

    private const int MaxLabelsHinted = 4;
    private const int MaxValuesShown = 8;

    /// <summary>
    /// The error for series that lack the status label: counted as successes, they would turn a 10 % 5xx release into 0 %
    /// errors. Names the label and the labels the series do carry (one /api/v1/labels call), so the fix is one line.
    /// </summary>
    private async Task<PrometheusException> MissingStatusLabelAsync(
        MetricNames m,
        IReadOnlyDictionary<string, string> selector,
        double requests,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken ct
    )
    {
        var series = PromQl.Selector(m.Requests, selector);
        string carried;
        try
        {
            var names = await client.LabelNamesAsync(series, from, to, ct).ConfigureAwait(false);
            var shown = names.Where(n => n != "__name__").Order(StringComparer.Ordinal).ToList();
            var likely = shown
                .Where(n => n.Contains("code", StringComparison.OrdinalIgnoreCase) || n.Contains("status", StringComparison.OrdinalIgnoreCase))
                .ToList();
            carried =
                shown.Count == 0
                    ? "Prometheus listed no labels for them"
                    : $"they carry {string.Join(", ", shown)}"
                        + (likely.Count > 0 ? $" ({string.Join(" or ", likely)} looks like the status code)" : "");
        }
        catch (PrometheusException e)
        {
            carried = $"their labels could not be listed ({e.Reason})";
        }
        return new PrometheusException(
            "StatusLabelMissing",
            $"{series} has series without the status label '{m.StatusLabel}' ({ReasonText.Count(requests)} requests in them), so errors cannot be "
                + $"told from successes; {carried}. Set spec.metrics.statusLabel to the label that carries the status code"
        );
    }

    /// <summary>
    /// Turns the two matrices into step samples. With <paramref name="only"/>, series whose selector labels differ are
    /// skipped: a batched answer holds many populations, and each takes its own. Series without the status label are
    /// counted apart (the caller refuses them), never as successes; latency buckets wrong in shape are recorded and dropped.
    /// </summary>
    internal static TrafficSpan ToSpan(
        MetricNames m,
        PrometheusResult requests,
        PrometheusResult buckets,
        IReadOnlyDictionary<string, string>? only,
        StepRange range
    )
    {
        bool Mine(PrometheusSeries s) => only is null || only.All(kv => s.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
        var invalid = new Dictionary<DateTimeOffset, int>();
        void CountInvalid(DateTimeOffset t) => invalid[t] = invalid.GetValueOrDefault(t) + 1;

        var totals = new SortedDictionary<DateTimeOffset, (double Requests, double Errors, double Server)>();
        double unlabelled = 0;
        foreach (var series in requests.Series.Where(Mine))
        {
            var code = series.Labels.GetValueOrDefault(m.StatusLabel) ?? "";
            if (code.Length == 0)
            {
                unlabelled += series.Points.Where(p => double.IsFinite(p.Value) && p.Value > 0).Sum(p => p.Value);
                continue;
            }
            var isError = m.ErrorCodes.IsMatch(code);
            var isServer = m.ServerErrorCodes.IsMatch(code);
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

        var (histograms, defects) = LatencyHistograms(buckets.Series.Where(Mine), CountInvalid);
        var steps = new SortedDictionary<DateTimeOffset, StepSample>();
        foreach (var (time, t) in totals)
            steps[time] = new StepSample(time, t.Requests, t.Errors, t.Server, histograms.GetValueOrDefault(time));
        return new TrafficSpan(steps, invalid, defects, unlabelled, range);
    }

    /// <summary>
    /// One cumulative histogram per step from the bucket series, or a defect where the buckets are not one: an <c>le</c>
    /// that is no number, no +Inf bucket, or a lower bucket holding more than a higher one (beyond the rounding that
    /// increase()'s extrapolation leaves: 1 % of the step's requests, and at least one request).
    /// </summary>
    private static (Dictionary<DateTimeOffset, LatencyHistogram> Histograms, List<HistogramDefect> Defects) LatencyHistograms(
        IEnumerable<PrometheusSeries> series,
        Action<DateTimeOffset> countInvalid
    )
    {
        var byTime = new Dictionary<DateTimeOffset, List<(string Le, double Bound, double Count)>>();
        var defects = new Dictionary<DateTimeOffset, HistogramDefect>();
        foreach (var s in series)
        {
            var le = s.Labels.GetValueOrDefault("le");
            var parsed = le is not null && TryParseBound(le, out var bound) && !double.IsNegativeInfinity(bound) ? bound : double.NaN;
            foreach (var p in s.Points)
            {
                if (!double.IsFinite(p.Value) || p.Value < 0)
                {
                    countInvalid(p.Time);
                    continue;
                }
                if (double.IsNaN(parsed))
                {
                    defects.TryAdd(p.Time, new HistogramDefect(p.Time, HistogramDefectKind.BoundNotANumber, le ?? "(none)"));
                    continue;
                }
                if (!byTime.TryGetValue(p.Time, out var list))
                    byTime[p.Time] = list = [];
                list.Add((le!, parsed, p.Value));
            }
        }
        var histograms = new Dictionary<DateTimeOffset, LatencyHistogram>();
        foreach (var (time, list) in byTime)
        {
            if (defects.ContainsKey(time))
                continue;
            list.Sort((a, b) => a.Bound.CompareTo(b.Bound));
            if (!double.IsPositiveInfinity(list[^1].Bound))
            {
                defects[time] = new HistogramDefect(time, HistogramDefectKind.NoInfiniteBucket, list[^1].Le);
                continue;
            }
            var slack = Math.Max(1, 0.01 * list[^1].Count);
            var broken = -1;
            for (var i = 0; i + 1 < list.Count && broken < 0; i++)
                if (list[i].Count > list[i + 1].Count + slack)
                    broken = i;
            if (broken >= 0)
            {
                defects[time] = new HistogramDefect(
                    time,
                    HistogramDefectKind.NotCumulative,
                    list[broken].Le,
                    list[broken].Count,
                    list[broken + 1].Count
                );
                continue;
            }
            histograms[time] = new LatencyHistogram([.. list.Select(b => new HistogramBucket(b.Bound, b.Count))]);
        }
        return (histograms, [.. defects.Values.OrderBy(d => d.Time)]);
    }

    private static TrafficWindow Slice(TrafficSpan span, DateTimeOffset start, DateTimeOffset end, TimeSpan step)
    {
        // A step sample at time t covers (t - step, t]; it belongs to the window when t is in (start, end].
        var steps = span.Steps.Where(kv => kv.Key > start && kv.Key <= end).Select(kv => kv.Value).ToImmutableArray();
        var invalid = span.Invalid.Where(kv => kv.Key > start && kv.Key <= end).Sum(kv => kv.Value);
        var defects = span.Defects.Where(d => d.Time > start && d.Time <= end).ToImmutableArray();
        return new TrafficWindow(start, end, step, steps, (int)Math.Round((end - start) / step), invalid, defects);
    }

    private async Task<IReadOnlyList<PrometheusPoint>> ScalarAsync(
        CustomQuery q,
        IReadOnlyDictionary<string, string> selector,
        DateTimeOffset from,
        DateTimeOffset to,
        StepRange range,
        CancellationToken cancellationToken
    )
    {
        var step = range.Step;
        var result = await client
            .QueryRangeAsync(PromQl.Custom(q.QueryTemplate, selector, range), from + step, to, step, cancellationToken)
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
