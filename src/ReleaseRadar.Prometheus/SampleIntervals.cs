using System.Collections.Concurrent;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Learns how far apart each population's samples are (its scrape interval) from Prometheus itself: one instant query
/// counting the samples of the longest-lived series over the span about to be read. Remembered for half an hour, since
/// scrape intervals change with a configuration, not from minute to minute. A step of one sample interval then reads a
/// range of two (<see cref="StepRange"/>), instead of a range holding one sample and no increase.
/// </summary>
public sealed class SampleIntervals(PrometheusClient client, TimeProvider clock)
{
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(30);

    // A population without data yet is asked again soon: its first samples may be seconds away.
    private static readonly TimeSpan RememberUnknown = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestProbe = TimeSpan.FromMinutes(10);
    private const int MaxRemembered = 50_000;
    private readonly ConcurrentDictionary<string, (TimeSpan? Interval, DateTimeOffset Until)> _known = new();

    /// <summary>
    /// The sample interval of <paramref name="metric"/>{<paramref name="matchers"/>} as of <paramref name="at"/>, or null
    /// when unknown.
    /// </summary>
    public async Task<TimeSpan?> OfAsync(string metric, string matchers, DateTimeOffset from, DateTimeOffset at, CancellationToken ct)
    {
        var key = Key(metric, matchers);
        if (Remembered(key) is { } known)
            return known.Interval;
        var window = Window(from, at);
        var answer = await client.QueryAsync(PromQl.SamplesOver(metric, matchers, window, []), at, ct).ConfigureAwait(false);
        var interval = FromCount(window, answer.Series.Count > 0 ? FirstValue(answer.Series[0]) : null);
        Store(key, interval);
        return interval;
    }

    /// <summary>
    /// The sample intervals of many populations of one batched selector (<paramref name="matchers"/> matches them all,
    /// <paramref name="names"/> tells them apart), with one query for those not remembered. Keyed like <see cref="OfAsync"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, TimeSpan?>> OfManyAsync(
        string metric,
        string matchers,
        IReadOnlyList<string> names,
        IReadOnlyList<IReadOnlyDictionary<string, string>> populations,
        DateTimeOffset from,
        DateTimeOffset at,
        CancellationToken ct
    )
    {
        var result = new Dictionary<string, TimeSpan?>();
        var unknown = new List<(string Key, IReadOnlyDictionary<string, string> Labels)>();
        foreach (var p in populations)
        {
            var key = Key(metric, PromQl.Matchers(p));
            if (Remembered(key) is { } known)
                result[key] = known.Interval;
            else
                unknown.Add((key, p));
        }
        if (unknown.Count == 0)
            return result;
        var window = Window(from, at);
        var answer = await client
            .QueryAsync(PromQl.SamplesOver(metric, matchers, window, names), at, ct, client.Cap(names, unknown.Count))
            .ConfigureAwait(false);
        foreach (var (key, labels) in unknown)
        {
            var series = answer.Series.FirstOrDefault(s => names.All(n => s.Labels.TryGetValue(n, out var v) && v == labels[n]));
            var interval = FromCount(window, series is null ? null : FirstValue(series));
            Store(key, interval);
            result[key] = interval;
        }
        return result;
    }

    public static string Key(string metric, string matchers) => metric + "{" + matchers + "}";

    /// <summary>The span about to be read, up to ten minutes: its series should have existed over all of it.</summary>
    private static TimeSpan Window(DateTimeOffset from, DateTimeOffset at)
    {
        var span = at - from;
        var seconds = Math.Floor(Math.Min(span.TotalSeconds, LongestProbe.TotalSeconds));
        return TimeSpan.FromSeconds(Math.Max(1, seconds));
    }

    /// <summary>The window over the samples in it; unknown below two samples (one sample says nothing of the spacing).</summary>
    private static TimeSpan? FromCount(TimeSpan window, double? count) =>
        count is { } c && c >= 2 && double.IsFinite(c) ? TimeSpan.FromMilliseconds(Math.Round(window.TotalMilliseconds / c)) : null;

    private static double? FirstValue(PrometheusSeries series) => series.Points.Count > 0 ? series.Points[0].Value : null;

    private (TimeSpan? Interval, DateTimeOffset Until)? Remembered(string key) =>
        _known.TryGetValue(key, out var k) && k.Until > clock.GetUtcNow() ? k : null;

    private void Store(string key, TimeSpan? interval)
    {
        var now = clock.GetUtcNow();
        if (_known.Count >= MaxRemembered)
            foreach (var stale in _known.Where(kv => kv.Value.Until <= now).Select(kv => kv.Key).ToList())
                _known.TryRemove(stale, out _);
        if (_known.Count < MaxRemembered)
            _known[key] = (interval, now + (interval is null ? RememberUnknown : Remember));
    }
}
