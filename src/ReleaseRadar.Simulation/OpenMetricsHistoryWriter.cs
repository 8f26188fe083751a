using System.Globalization;

namespace ReleaseRadar.Simulation;

/// <summary>
/// Simulates scenarios over a past time range and writes what a Prometheus scraping the exporter every
/// <c>scrapeInterval</c> would have stored, as OpenMetrics text for <c>promtool tsdb create-blocks-from openmetrics</c>.
/// Several scenarios share one file (their extra labels keep them apart), because a file may hold each family only once.
/// </summary>
public sealed class OpenMetricsHistoryWriter
{
    private readonly SortedDictionary<string, List<(long Ms, long Value)>> _counters = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, List<(long Ms, long Value)>> _calls = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, List<(long Ms, long[] Buckets, long Count, double Sum)>> _histograms = new(StringComparer.Ordinal);

    public void Simulate(ScenarioRunner runner, DateTimeOffset from, DateTimeOffset to, TimeSpan scrapeInterval, TimeSpan? tick = null)
    {
        var sink = new CumulativeSink(runner.Labels, runner.StatusLabel);
        var dt = tick ?? scrapeInterval;
        var seen = new HashSet<string>();
        // A counter's value at this scrape. A series starts from zero one scrape before its first request, as with an
        // exporter that pre-initialises its labels; otherwise increase() would lose each new version's first scrape of traffic.
        void Scraped(long ms, Dictionary<string, long> counters, SortedDictionary<string, List<(long Ms, long Value)>> into, string family)
        {
            foreach (var (key, value) in counters)
            {
                if (!into.TryGetValue(key, out var list))
                    into[key] = list = [];
                if (seen.Add(family + key))
                    list.Add((ms - (long)scrapeInterval.TotalMilliseconds, 0));
                list.Add((ms, value));
            }
        }
        for (var t = from; t <= to; t += scrapeInterval)
        {
            for (var s = t - scrapeInterval + dt; s <= t; s += dt)
                runner.Tick(s, dt, sink);
            var ms = t.ToUnixTimeMilliseconds();
            Scraped(ms, sink.Counters, _counters, "");
            Scraped(ms, sink.CallCounts, _calls, "c");
            foreach (var (key, h) in sink.Histograms)
            {
                if (!_histograms.TryGetValue(key, out var list))
                    _histograms[key] = list = [];
                if (seen.Add("h" + key))
                    list.Add((ms - (long)scrapeInterval.TotalMilliseconds, new long[h.Buckets.Length], 0, 0));
                list.Add((ms, (long[])h.Buckets.Clone(), h.Count, h.Sum));
            }
        }
    }

    public void Write(TextWriter writer)
    {
        writer.Write("# HELP http_requests Total HTTP requests served.\n# TYPE http_requests counter\n");
        foreach (var (labels, points) in _counters)
        foreach (var (ms, value) in points)
            writer.Write($"http_requests_total{{{labels}}} {value} {Ts(ms)}\n");

        // What Istio's proxies export between workloads: the call graph the suspects read.
        writer.Write("# HELP istio_requests Requests between workloads, as the mesh counts them.\n# TYPE istio_requests counter\n");
        foreach (var (labels, points) in _calls)
        foreach (var (ms, value) in points)
            writer.Write($"istio_requests_total{{{labels}}} {value} {Ts(ms)}\n");

        writer.Write("# HELP http_request_duration_seconds HTTP request latency.\n# TYPE http_request_duration_seconds histogram\n");
        var bounds = ScenarioRunner.LatencyBuckets;
        foreach (var (labels, points) in _histograms)
        foreach (var (ms, buckets, count, sum) in points)
        {
            long cumulative = 0;
            for (var i = 0; i < bounds.Length; i++)
            {
                cumulative += buckets[i];
                writer.Write(
                    $"http_request_duration_seconds_bucket{{{labels},le=\"{bounds[i].ToString(CultureInfo.InvariantCulture)}\"}} "
                        + $"{cumulative} {Ts(ms)}\n"
                );
            }
            writer.Write($"http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count} {Ts(ms)}\n");
            writer.Write($"http_request_duration_seconds_count{{{labels}}} {count} {Ts(ms)}\n");
            writer.Write($"http_request_duration_seconds_sum{{{labels}}} {sum.ToString("0.######", CultureInfo.InvariantCulture)} {Ts(ms)}\n");
        }
        writer.Write("# EOF\n");
    }

    private static string Ts(long ms) => (ms / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    public static string Label(string value) => value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");

    private sealed class CumulativeSink(IReadOnlyDictionary<string, string> extra, string statusLabel) : ITrafficSink
    {
        public readonly Dictionary<string, long> Counters = new(StringComparer.Ordinal);
        public readonly Dictionary<string, (long[] Buckets, long Count, double Sum)> Histograms = new(StringComparer.Ordinal);
        public readonly Dictionary<string, long> CallCounts = new(StringComparer.Ordinal);

        public void Calls(string caller, string callee, long count)
        {
            var key =
                $"destination_service=\"{Label(callee)}.default.svc.cluster.local\",destination_service_name=\"{Label(callee)}\","
                + $"source_workload=\"{Label(caller)}\"{_extra}";
            CallCounts[key] = CallCounts.GetValueOrDefault(key) + count;
        }

        private readonly string _extra = string.Concat(
            extra.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $",{kv.Key}=\"{Label(kv.Value)}\"")
        );

        public void Requests(string service, string version, string code, long count)
        {
            var key = $"{statusLabel}=\"{code}\",service=\"{Label(service)}\",version=\"{Label(version)}\"{_extra}";
            Counters[key] = Counters.GetValueOrDefault(key) + count;
        }

        public void Latency(string service, string version, double seconds)
        {
            var key = $"service=\"{Label(service)}\",version=\"{Label(version)}\"{_extra}";
            if (!Histograms.TryGetValue(key, out var h))
                h = (new long[ScenarioRunner.LatencyBuckets.Length], 0, 0);
            var i = Array.BinarySearch(ScenarioRunner.LatencyBuckets, seconds);
            if (i < 0)
                i = ~i;
            if (i < h.Buckets.Length)
                h.Buckets[i]++;
            Histograms[key] = (h.Buckets, h.Count + 1, h.Sum + seconds);
        }
    }
}
