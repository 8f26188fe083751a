using System.Collections;
using ReleaseRadar.Analysis.Planning;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// The steps of one population read so far, kept between intervals so that each interval reads from Prometheus only the
/// steps added since the last one (and those still settling), not the whole window again. At 2,000 services the whole
/// windows were about 93 MB of answers a minute, parsed in full every minute. Held on the step grid, 8 bytes a step and
/// series, instead of parsed points. Immutable: a merge makes a new one, so a reader never sees one half-written.
/// </summary>
/// <param name="Range">The range each step was read over; steps read over another range are not mixed in.</param>
/// <param name="First">The end of the first step held.</param>
/// <param name="Last">The end of the last step held.</param>
/// <param name="Settled">Steps ending at or before it were read late enough that no sample can still join them.</param>
internal sealed record PopulationSteps(
    StepRange Range,
    DateTimeOffset First,
    DateTimeOffset Last,
    DateTimeOffset Settled,
    IReadOnlyList<HeldSeries> Requests,
    IReadOnlyList<HeldSeries> Buckets
)
{
    /// <summary>
    /// How long after its end a step can still change: a sample is stamped when its scrape starts and stored when it ends,
    /// so a step read right at its end may miss its last samples. Two sample intervals, and at least one step.
    /// </summary>
    public static TimeSpan SettleTime(StepRange range) =>
        range.SampleInterval is { } interval && 2 * interval > range.Step ? 2 * interval : range.Step;

    /// <summary>Whether these steps were read over <paramref name="range"/> and reach back to the step ending at a window's first.</summary>
    public bool Covers(StepRange range, DateTimeOffset firstNeeded) => Range == range && First <= firstNeeded;

    /// <summary>
    /// The held steps with an answer for the steps ending in (<paramref name="readFrom"/>, <paramref name="to"/>] put
    /// over them; that answer is the truth for its steps, including for a series it no longer holds. Steps ending at or
    /// before <paramref name="keepAfter"/> are dropped: no Release asks for them any more. Held steps read over another range, or
    /// not joining the answer, are dropped, so the result is contiguous.
    /// </summary>
    public static PopulationSteps Merge(
        PopulationSteps? held,
        IEnumerable<PrometheusSeries> requests,
        IEnumerable<PrometheusSeries> buckets,
        DateTimeOffset readFrom,
        DateTimeOffset to,
        DateTimeOffset keepAfter,
        StepRange range,
        DateTimeOffset readAt
    )
    {
        var step = range.Step;
        var usable = held is not null && held.Range == range && readFrom <= held.Last && held.First <= readFrom + step;
        var first = usable ? Max(held!.First, keepAfter + step) : readFrom + step;
        var last = usable && held!.Last > to ? held.Last : to;
        var byClock = AnalysisSchedule.Floor(readAt - SettleTime(range), step);
        var settled = usable && held!.Settled < readFrom ? held.Settled : Max(readFrom, byClock < to ? byClock : to);
        var count = last < first ? 0 : (int)((last - first).Ticks / step.Ticks) + 1;
        return new PopulationSteps(
            range,
            first,
            last,
            settled,
            Series(usable ? held!.Requests : [], requests, held?.First ?? first, first, count, readFrom, to, step),
            Series(usable ? held!.Buckets : [], buckets, held?.First ?? first, first, count, readFrom, to, step)
        );
    }

    private static List<HeldSeries> Series(
        IReadOnlyList<HeldSeries> held,
        IEnumerable<PrometheusSeries> answer,
        DateTimeOffset heldFirst,
        DateTimeOffset first,
        int count,
        DateTimeOffset readFrom,
        DateTimeOffset to,
        TimeSpan step
    )
    {
        var merged = new Dictionary<string, HeldSeries>(StringComparer.Ordinal);
        HeldSeries Fresh(string key, IReadOnlyDictionary<string, string> labels) => new(key, labels, new double[count], new BitArray(count));
        foreach (var h in held)
        {
            var fresh = Fresh(h.Key, h.Labels);
            for (var i = 0; i < h.Values.Length; i++)
            {
                var t = heldFirst + step * i;
                var at = Index(t, first, step);
                if (h.Present[i] && at >= 0 && at < count && (t <= readFrom || t > to))
                    (fresh.Values[at], fresh.Present[at]) = (h.Values[i], true);
            }
            merged[h.Key] = fresh;
        }
        foreach (var s in answer)
        {
            var key = HeldSeries.KeyOf(s.Labels);
            if (!merged.TryGetValue(key, out var into))
                merged[key] = into = Fresh(key, s.Labels);
            foreach (var p in s.Points)
            {
                var at = Index(p.Time, first, step);
                if (p.Time > readFrom && p.Time <= to && at >= 0 && at < count)
                    (into.Values[at], into.Present[at]) = (p.Value, true);
            }
        }
        return [.. merged.Values.Where(s => s.Present.HasAnySet())];
    }

    /// <summary>The held steps ending at or before <paramref name="to"/>, as an answer for one population.</summary>
    public PrometheusResult Answer(IReadOnlyList<HeldSeries> series, DateTimeOffset to, SeriesCap cap, IReadOnlyList<string> warnings)
    {
        var step = Range.Step;
        var result = new List<PrometheusSeries>(series.Count);
        foreach (var s in series)
        {
            var points = new List<PrometheusPoint>();
            for (var i = 0; i < s.Values.Length && First + step * i <= to; i++)
                if (s.Present[i])
                    points.Add(new PrometheusPoint(First + step * i, s.Values[i]));
            if (points.Count > 0)
                result.Add(new PrometheusSeries(s.Labels, points));
        }
        return new PrometheusResult("matrix", result, warnings) { Cap = cap };
    }

    /// <summary>The position of the step ending at <paramref name="t"/>; answers' times are milliseconds, so rounded.</summary>
    private static int Index(DateTimeOffset t, DateTimeOffset first, TimeSpan step) =>
        (int)Math.Round((double)(t - first).Ticks / step.Ticks, MidpointRounding.AwayFromZero);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
