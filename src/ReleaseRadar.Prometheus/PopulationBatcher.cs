using System.Collections.Concurrent;
using System.Text;
using ReleaseRadar.Analysis.Planning;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Serves many Releases' traffic queries with few Prometheus queries. Populations whose selectors use the same label
/// names (service=…, or service=…,env=…) and the same metric names and step form a group. For each group and analysis
/// end time, pairs of range queries fetch the populations the group has seen recently, grouped by those labels:
///
///   sum by (code, service) (increase(http_requests_total{service=~"a|b|c"}[60s]))
///
/// Each Release then takes its own series and its own time slice. Because window boundaries sit on the wall-clock step
/// grid, Releases analysed in the same minute share an end time, so the queries per interval grow with the number of
/// groups and chunks, not of Releases. A population seen for the first time joins the next fetch.
///
/// One pair covers at most <c>maxPopulationsPerQuery</c> populations, taken in order of the window start they need, so
/// each chunk's range is tight. Without the bound, 2,000 distinct services made one answer of about 90 MB, over the
/// client's 32 MiB answer limit, and every new population refetched all the others.
/// </summary>
public sealed class PopulationBatcher(
    PrometheusClient client,
    TimeProvider clock,
    int maxPopulationsPerQuery = PopulationBatcher.DefaultChunk,
    SampleIntervals? intervals = null
)
{
    private readonly SampleIntervals _intervals = intervals ?? new SampleIntervals(client, clock);

    public const int DefaultChunk = 50;
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<string, Group> _groups = new();

    private sealed record Chunk(DateTimeOffset From, HashSet<string> Members, Task<(PrometheusResult, PrometheusResult, StepRange)> Fetch);

    private sealed class Group
    {
        public readonly object Gate = new();

        /// <summary>
        /// Known populations (their label values, in label-name order) with the earliest start they asked for and when they last asked.
        /// </summary>
        public readonly Dictionary<string, (string[] Values, DateTimeOffset From, DateTimeOffset Seen)> Known = [];

        /// <summary>When populations silent for <see cref="Forget"/> were last dropped.</summary>
        public DateTimeOffset Swept;

        /// <summary>The chunks fetched for the latest end time.</summary>
        public DateTimeOffset To;
        public readonly List<Chunk> Chunks = [];
    }

    /// <summary>The population's requests and buckets, in a batched answer, with the range each step was read over.</summary>
    public async Task<(PrometheusResult Requests, PrometheusResult Buckets, StepRange Range)> FetchAsync(
        MetricNames metrics,
        IReadOnlyDictionary<string, string> selector,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        CancellationToken ct
    )
    {
        var (group, names, values, member) = Population(metrics, selector, step);
        Task<(PrometheusResult, PrometheusResult, StepRange)> fetch;
        lock (group.Gate)
        {
            Learn(group, member, values, from);
            if (group.To != to)
            {
                group.To = to;
                group.Chunks.Clear();
            }

            var chunk = group.Chunks.FirstOrDefault(c => c.From <= from && c.Members.Contains(member) && !c.Fetch.IsFaulted);
            if (chunk is null)
            {
                chunk = NextChunk(group, member, metrics, names, to, step);
                group.Chunks.Add(chunk);
            }
            fetch = chunk.Fetch;
        }
        // The shared fetch is not cancelled by one caller's token; each caller stops waiting on its own.
        return await fetch.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes a population known without fetching it, so the first fetch of an interval already covers it. The controller
    /// tells the batcher every cached Release's populations before its workers start: otherwise, right after a start, each
    /// population would be met one by one and cost a query pair of its own (4,000 queries for 2,000 services).
    /// </summary>
    public void Expect(MetricNames metrics, IReadOnlyDictionary<string, string> selector, DateTimeOffset from, TimeSpan step)
    {
        var (group, _, values, member) = Population(metrics, selector, step);
        lock (group.Gate)
            Learn(group, member, values, from);
    }

    private (Group Group, string[] Names, string[] Values, string Member) Population(
        MetricNames metrics,
        IReadOnlyDictionary<string, string> selector,
        TimeSpan step
    )
    {
        var names = selector.Keys.Order(StringComparer.Ordinal).ToArray();
        var groupKey = $"{metrics.Requests}|{metrics.StatusLabel}|{metrics.LatencyHistogram}|{step.Ticks}|{string.Join(",", names)}";
        var values = names.Select(n => selector[n]).ToArray();
        return (_groups.GetOrAdd(groupKey, _ => new Group()), names, values, string.Join("\u0001", values));
    }

    /// <summary>
    /// Records that a population asked for data from <paramref name="from"/>; forgets those silent for a while. Called
    /// under the group's gate.
    /// </summary>
    private void Learn(Group group, string member, string[] values, DateTimeOffset from)
    {
        var now = clock.GetUtcNow();
        var known = group.Known.TryGetValue(member, out var k) ? k : (Values: values, From: from, Seen: now);
        group.Known[member] = (values, from < known.From ? from : known.From, now);
        if (now - group.Swept < TimeSpan.FromMinutes(1))
            return; // a sweep per call would make an interval's calls quadratic in the populations
        group.Swept = now;
        foreach (var stale in group.Known.Where(kv => now - kv.Value.Seen > Forget).Select(kv => kv.Key).ToList())
            group.Known.Remove(stale);
    }

    /// <summary>
    /// This population and the known ones no chunk of this end time covers yet, up to the bound: a contiguous run in order of
    /// window start around this population, so populations deployed at similar times share a query of a similar range.
    /// </summary>
    private Chunk NextChunk(Group group, string member, MetricNames metrics, string[] names, DateTimeOffset to, TimeSpan step)
    {
        var covered = group.Chunks.Where(c => !c.Fetch.IsFaulted).SelectMany(c => c.Members).ToHashSet();
        var pending = group
            .Known.Where(kv => kv.Key == member || !covered.Contains(kv.Key))
            .OrderBy(kv => kv.Value.From)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();
        var at = pending.FindIndex(kv => kv.Key == member);
        var size = Math.Max(1, maxPopulationsPerQuery);
        var first = Math.Clamp(at - size / 2, 0, Math.Max(0, pending.Count - size));
        var taken = pending.Skip(first).Take(size).ToList();
        var start = taken.Min(kv => kv.Value.From);
        var matchers = names.Select((n, i) => (n, Alternation(taken.Select(kv => kv.Value.Values[i])))).ToList();
        IReadOnlyList<IReadOnlyDictionary<string, string>> populations =
        [
            .. taken.Select(kv => (IReadOnlyDictionary<string, string>)names.Select((n, i) => (n, kv.Value.Values[i])).ToDictionary()),
        ];
        return new Chunk(start, taken.Select(kv => kv.Key).ToHashSet(), QueryAsync(metrics, names, matchers, populations, start, to, step));
    }

    private async Task<(PrometheusResult, PrometheusResult, StepRange)> QueryAsync(
        MetricNames m,
        string[] names,
        List<(string Name, string Regex)> matchers,
        IReadOnlyList<IReadOnlyDictionary<string, string>> populations,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step
    )
    {
        var selector = string.Join(",", matchers.Select(x => $"{x.Name}=~{PromQlText.Literal(x.Regex)}"));
        // One range for the chunk: wide enough for its most sparsely scraped population (the populations of one group are
        // usually scraped by one job, at one interval).
        var known = await _intervals.OfManyAsync(m.Requests, selector, names, populations, from, to, CancellationToken.None).ConfigureAwait(false);
        var slowest = known.Values.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty().Max();
        var range = StepRange.For(step, slowest > TimeSpan.Zero ? slowest : null);
        PrometheusReleaseSource.CheckRange(m, selector, range);
        var requests = client.QueryRangeAsync(
            PromQl.RequestsByCode(m.Requests, m.StatusLabel, selector, range, names),
            from + step,
            to,
            step,
            CancellationToken.None,
            client.Cap(names, populations.Count)
        );
        var buckets = client.QueryRangeAsync(
            PromQl.LatencyBuckets(m.LatencyHistogram, selector, range, names),
            from + step,
            to,
            step,
            CancellationToken.None,
            client.Cap(names, populations.Count)
        );
        return (await requests.ConfigureAwait(false), await buckets.ConfigureAwait(false), range);
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
