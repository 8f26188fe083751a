using System.Collections.Concurrent;
using System.Text;
using ReleaseRadar.Core.Planning;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Serves many Releases' traffic queries with few Prometheus queries. Populations whose selectors use the same label
/// names (service=…, or service=…,env=…) and the same metric names and step form a group. For each group and analysis
/// end time, one pair of range queries fetches every population the group has seen recently, grouped by those labels:
///
///   sum by (code, service) (increase(http_requests_total{service=~"a|b|c"}[60s]))
///
/// Each Release then takes its own series and its own time slice. Because window boundaries sit on the wall-clock step
/// grid, Releases analysed in the same minute share an end time, so the queries per interval grow with the number of
/// groups, not of Releases. A population seen for the first time joins the next fetch.
/// </summary>
public sealed class PopulationBatcher(PrometheusClient client, TimeProvider clock)
{
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Group> _groups = new();

    private sealed class Group
    {
        public readonly object Gate = new();

        /// <summary>
        /// Known populations (their label values, in label-name order) with the earliest start they asked for and when they last asked.
        /// </summary>
        public readonly Dictionary<string, (string[] Values, DateTimeOffset From, DateTimeOffset Seen)> Known = [];
        public (DateTimeOffset To, DateTimeOffset From, HashSet<string> Members, Task<(PrometheusResult, PrometheusResult)> Fetch)? Latest;
    }

    public async Task<(PrometheusResult Requests, PrometheusResult Buckets)> FetchAsync(
        MetricNames metrics,
        IReadOnlyDictionary<string, string> selector,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        CancellationToken ct
    )
    {
        var names = selector.Keys.Order(StringComparer.Ordinal).ToArray();
        var groupKey = $"{metrics.Requests}|{metrics.StatusLabel}|{metrics.LatencyHistogram}|{step.Ticks}|{string.Join(",", names)}";
        var values = names.Select(n => selector[n]).ToArray();
        var member = string.Join("\u0001", values);
        var group = _groups.GetOrAdd(groupKey, _ => new Group());

        Task<(PrometheusResult, PrometheusResult)> fetch;
        lock (group.Gate)
        {
            var now = clock.GetUtcNow();
            var known = group.Known.TryGetValue(member, out var k) ? k : (Values: values, From: from, Seen: now);
            group.Known[member] = (values, from < known.From ? from : known.From, now);
            foreach (var stale in group.Known.Where(kv => now - kv.Value.Seen > Forget).Select(kv => kv.Key).ToList())
                group.Known.Remove(stale);

            if (group.Latest is { } latest && latest.To == to && latest.From <= from && latest.Members.Contains(member) && !latest.Fetch.IsFaulted)
                fetch = latest.Fetch;
            else
            {
                var members = group.Known.Keys.ToHashSet();
                var start = group.Known.Values.Min(v => v.From);
                var matchers = names.Select((n, i) => (n, Alternation(group.Known.Values.Select(v => v.Values[i])))).ToList();
                fetch = QueryAsync(metrics, names, matchers, start, to, step);
                group.Latest = (to, start, members, fetch);
            }
        }
        // The shared fetch is not cancelled by one caller's token; each caller stops waiting on its own.
        return await fetch.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task<(PrometheusResult, PrometheusResult)> QueryAsync(
        MetricNames m,
        string[] names,
        List<(string Name, string Regex)> matchers,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step
    )
    {
        var selector = string.Join(",", matchers.Select(x => $"{x.Name}=~{PromQl.StringLiteral(x.Regex)}"));
        var requests = client.QueryRangeAsync(
            PromQl.RequestsByCode(m.Requests, m.StatusLabel, selector, step, names),
            from + step,
            to,
            step,
            CancellationToken.None
        );
        var buckets = client.QueryRangeAsync(
            PromQl.LatencyBuckets(m.LatencyHistogram, selector, step, names),
            from + step,
            to,
            step,
            CancellationToken.None
        );
        return (await requests.ConfigureAwait(false), await buckets.ConfigureAwait(false));
    }

    /// <summary>An anchored RE2 alternation of literal values: every metacharacter escaped, so values stay values.</summary>
    public static string Alternation(IEnumerable<string> values) =>
        string.Join("|", values.Distinct().Order(StringComparer.Ordinal).Select(EscapeRegex));

    public static string EscapeRegex(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (@"\.+*?()|[]{}^$".Contains(c))
                sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
