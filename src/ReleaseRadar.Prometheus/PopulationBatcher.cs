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
/// One pair covers at most <c>maxPopulationsPerQuery</c> populations, taken in order of the first step they need, so
/// each chunk's range is tight. Without the bound, 2,000 distinct services made one answer of about 90 MB, over the
/// client's 32 MiB answer limit, and every new population refetched all the others.
///
/// Each population keeps the steps already read (<see cref="PopulationSteps"/>), so an interval reads only the steps
/// added since the last one and those still settling. A whole window is read after a start, for a population new to the
/// batcher, when a Release asks for earlier steps than are held, or when the range a step is read over changes.
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

    /// <summary>
    /// One population's part of a chunk at one end time: its held steps, turned into points only when a Release asks, so
    /// an interval keeps no parsed points for the whole fleet (at 2,000 services those were over 100 MB); or, over the
    /// series cap, the answers that refuse it.
    /// </summary>
    private sealed record PopulationAnswer(
        PopulationSteps? Held,
        (PrometheusResult Requests, PrometheusResult Buckets)? Refused,
        StepRange Range,
        SeriesCap Cap,
        IReadOnlyList<string> Warnings
    )
    {
        private readonly Lock _gate = new();
        private int _asked;
        private (PrometheusResult, PrometheusResult)? _shared;

        /// <summary>
        /// The points up to <paramref name="to"/>. Kept for the round from the second Release that asks: a population of
        /// many Releases (10,000 over 20 services) then makes its points, and the source its steps, once per round, while
        /// a fleet of one Release per service keeps nothing.
        /// </summary>
        public (PrometheusResult Requests, PrometheusResult Buckets) Points(DateTimeOffset to)
        {
            if (Refused is { } refused)
                return refused;
            lock (_gate)
            {
                if (_shared is { } shared)
                    return shared;
                var made = (Held!.Answer(Held.Requests, to, Cap, Warnings), Held.Answer(Held.Buckets, to, Cap, Warnings));
                if (++_asked > 1)
                    _shared = made;
                return made;
            }
        }
    }

    /// <summary>One query pair's populations at one end time, each with the window start it is answered from.</summary>
    private sealed record Chunk(Dictionary<string, DateTimeOffset> Members, Task<IReadOnlyDictionary<string, PopulationAnswer>> Fetch);

    /// <summary>A population known to a group. Read and written under the group's gate.</summary>
    private sealed class Population(string key, string[] values)
    {
        public string Key { get; } = key;

        /// <summary>Its selector's label values, in label-name order.</summary>
        public string[] Values { get; } = values;

        /// <summary>The earliest window start asked for by a Release that asked within <see cref="Forget"/>.</summary>
        public DateTimeOffset From;
        public DateTimeOffset FromAsked;

        /// <summary>When it was last asked for.</summary>
        public DateTimeOffset Seen;

        /// <summary>The steps read so far (null: none, or dropped because the last answer could not be kept).</summary>
        public PopulationSteps? Held;

        /// <summary>Where the next read must start: after the settled steps held, or at the window start.</summary>
        public DateTimeOffset ReadFrom(TimeSpan step) => Held is { } h && h.First <= From + step ? h.Settled : From;
    }

    private sealed class Group
    {
        public readonly object Gate = new();
        public readonly Dictionary<string, Population> Known = [];

        /// <summary>When populations silent for <see cref="Forget"/> were last dropped.</summary>
        public DateTimeOffset Swept;

        /// <summary>The chunks fetched for the latest end time.</summary>
        public DateTimeOffset To;
        public readonly List<Chunk> Chunks = [];
    }

    /// <summary>The population's requests and buckets, with the range each step was read over.</summary>
    public async Task<(PrometheusResult Requests, PrometheusResult Buckets, StepRange Range)> FetchAsync(
        MetricNames metrics,
        IReadOnlyDictionary<string, string> selector,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        CancellationToken ct
    )
    {
        var (group, names, values, member) = Locate(metrics, selector, step);
        Task<IReadOnlyDictionary<string, PopulationAnswer>> fetch;
        lock (group.Gate)
        {
            Learn(group, member, values, from);
            if (group.To != to)
            {
                group.To = to;
                group.Chunks.Clear();
            }

            var chunk = group.Chunks.FirstOrDefault(c => c.Members.TryGetValue(member, out var start) && start <= from && !c.Fetch.IsFaulted);
            if (chunk is null)
            {
                chunk = NextChunk(group, member, metrics, names, to, step);
                group.Chunks.Add(chunk);
            }
            fetch = chunk.Fetch;
        }
        // The shared fetch is not cancelled by one caller's token; each caller stops waiting on its own.
        var answer = (await fetch.WaitAsync(ct).ConfigureAwait(false))[member];
        var (requests, buckets) = answer.Points(to);
        return (requests, buckets, answer.Range);
    }

    /// <summary>
    /// Makes a population known without fetching it, so the first fetch of an interval already covers it. The controller
    /// tells the batcher every cached Release's populations before its workers start: otherwise, right after a start, each
    /// population would be met one by one and cost a query pair of its own (4,000 queries for 2,000 services).
    /// </summary>
    public void Expect(MetricNames metrics, IReadOnlyDictionary<string, string> selector, DateTimeOffset from, TimeSpan step)
    {
        var (group, _, values, member) = Locate(metrics, selector, step);
        lock (group.Gate)
            Learn(group, member, values, from);
    }

    private (Group Group, string[] Names, string[] Values, string Member) Locate(
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
    /// Records that a population asked for data from <paramref name="from"/>; forgets those silent for a while. The
    /// earliest start moves forward once no Release has asked for it for a while, so the steps held stop growing when a
    /// service's old Release completes. Called under the group's gate.
    /// </summary>
    private void Learn(Group group, string member, string[] values, DateTimeOffset from)
    {
        var now = clock.GetUtcNow();
        if (!group.Known.TryGetValue(member, out var known))
            group.Known[member] = known = new Population(member, values) { From = from, FromAsked = now };
        known.Seen = now;
        if (from <= known.From || now - known.FromAsked > Forget)
            (known.From, known.FromAsked) = (from, now);
        if (now - group.Swept < TimeSpan.FromMinutes(1))
            return; // a sweep per call would make an interval's calls quadratic in the populations
        group.Swept = now;
        foreach (var stale in group.Known.Where(kv => now - kv.Value.Seen > Forget).Select(kv => kv.Key).ToList())
            group.Known.Remove(stale);
    }

    /// <summary>
    /// This population and the known ones no chunk of this end time covers yet, up to the bound: a contiguous run in order
    /// of the first step they need read, so populations that need only their newest steps share a short query, and those
    /// read in full share one of a similar range. Each one's window start is taken now: it is what the chunk answers for.
    /// </summary>
    private Chunk NextChunk(Group group, string member, MetricNames metrics, string[] names, DateTimeOffset to, TimeSpan step)
    {
        var covered = group.Chunks.Where(c => !c.Fetch.IsFaulted).SelectMany(c => c.Members.Keys).ToHashSet();
        var pending = group
            .Known.Values.Where(p => p.Key == member || !covered.Contains(p.Key))
            .OrderBy(p => p.ReadFrom(step))
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
        var at = pending.FindIndex(p => p.Key == member);
        var size = Math.Max(1, maxPopulationsPerQuery);
        var first = Math.Clamp(at - size / 2, 0, Math.Max(0, pending.Count - size));
        var taken = pending.Skip(first).Take(size).Select(p => new Need(p, p.From, p.ReadFrom(step))).ToList();
        return new Chunk(taken.ToDictionary(n => n.Population.Key, n => n.From), QueryAsync(group, metrics, names, taken, to, step));
    }

    /// <summary>What a chunk reads for one population: its window from <paramref name="From"/>, read after <paramref name="ReadFrom"/>.</summary>
    private sealed record Need(Population Population, DateTimeOffset From, DateTimeOffset ReadFrom);

    /// <summary>
    /// Reads what the chunk's populations lack up to <paramref name="to"/>, in one query pair, and answers each from its
    /// held steps. A population whose held steps turn out not to reach back to its window start (dropped meanwhile, or
    /// read over another range) is read again in full with a second pair, so no Release is ever judged on part of a window.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, PopulationAnswer>> QueryAsync(
        Group group,
        MetricNames m,
        string[] names,
        List<Need> taken,
        DateTimeOffset to,
        TimeSpan step
    )
    {
        IReadOnlyDictionary<string, string> Labels(Population p) => names.Select((n, i) => (n, p.Values[i])).ToDictionary();
        var populations = taken.Select(n => n.Population).ToList();
        var all = Selector(names, populations);
        // One range for the chunk: wide enough for its most sparsely scraped population (the populations of one group are
        // usually scraped by one job, at one interval).
        var known = await _intervals
            .OfManyAsync(m.Requests, all, names, [.. populations.Select(Labels)], taken.Min(n => n.From), to, default)
            .ConfigureAwait(false);
        var slowest = known.Values.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty().Max();
        var range = StepRange.For(step, slowest > TimeSpan.Zero ? slowest : null);
        PrometheusReleaseSource.CheckRange(m, all, range);

        List<Need> reads;
        lock (group.Gate)
            reads = [.. taken.Select(n => n.Population.Held is { } h && h.Range != range ? n with { ReadFrom = n.From } : n)];
        var answers = new Dictionary<string, PopulationAnswer>();
        await ReadAsync(group, m, names, [.. reads.Where(n => n.ReadFrom < to)], to, range, answers).ConfigureAwait(false);
        List<Need> again;
        lock (group.Gate)
        {
            foreach (var n in reads)
                if (!answers.ContainsKey(n.Population.Key) && n.Population.Held is { } held && held.Covers(range, n.From + step))
                    answers[n.Population.Key] = new PopulationAnswer(held, null, held.Range, client.Cap(names), []);
            again = [.. reads.Where(n => !answers.ContainsKey(n.Population.Key)).Select(n => n with { ReadFrom = n.From })];
        }
        await ReadAsync(group, m, names, again, to, range, answers).ConfigureAwait(false);
        foreach (var n in again)
            if (!answers.ContainsKey(n.Population.Key))
                throw new PrometheusException(
                    "PrometheusBadResponse",
                    $"the steps of {PromQl.Selector(m.Requests, Labels(n.Population))} could not be held from {n.From:O} to {to:O}"
                );
        return answers;
    }

    /// <summary>
    /// One query pair for the steps after the earliest of <paramref name="reads"/>, merged into each population's held
    /// steps; answers the populations whose held steps then cover their window.
    /// </summary>
    private async Task ReadAsync(
        Group group,
        MetricNames m,
        string[] names,
        List<Need> reads,
        DateTimeOffset to,
        StepRange range,
        Dictionary<string, PopulationAnswer> answers
    )
    {
        if (reads.Count == 0)
            return;
        var step = range.Step;
        var readFrom = reads.Min(n => n.ReadFrom);
        var selector = Selector(names, reads.Select(n => n.Population));
        var cap = client.Cap(names, reads.Count);
        var requestsTask = client.QueryRangeAsync(
            PromQl.RequestsByCode(m.Requests, m.StatusLabel, selector, range, names),
            readFrom + step,
            to,
            step,
            CancellationToken.None,
            cap
        );
        var bucketsTask = client.QueryRangeAsync(
            PromQl.LatencyBuckets(m.LatencyHistogram, selector, range, names),
            readFrom + step,
            to,
            step,
            CancellationToken.None,
            cap
        );
        var (requests, buckets) = (await requestsTask.ConfigureAwait(false), await bucketsTask.ConfigureAwait(false));
        var readAt = clock.GetUtcNow();
        var requestsOf = requests.Series.ToLookup(s => cap.KeyOf(s.Labels));
        var bucketsOf = buckets.Series.ToLookup(s => cap.KeyOf(s.Labels));
        var warnings = requests.Warnings.Concat(buckets.Warnings).Distinct().ToList();
        lock (group.Gate)
            foreach (var n in reads)
            {
                var p = n.Population;
                if (requests.OverCap.ContainsKey(p.Key) || buckets.OverCap.ContainsKey(p.Key))
                {
                    // Its series past the cap were never read: nothing of it can be kept, and the Release is told why.
                    p.Held = null;
                    var refused = (
                        requests with
                        {
                            Series = [],
                            OverCap = requests.OverCap.Where(kv => kv.Key == p.Key).ToDictionary(),
                        },
                        buckets with
                        {
                            Series = [],
                            OverCap = buckets.OverCap.Where(kv => kv.Key == p.Key).ToDictionary(),
                        }
                    );
                    answers[p.Key] = new PopulationAnswer(null, refused, range, cap, warnings);
                    continue;
                }
                p.Held = PopulationSteps.Merge(p.Held, requestsOf[p.Key], bucketsOf[p.Key], readFrom, to, n.From, range, readAt);
                if (p.Held.Covers(range, n.From + step))
                    answers[p.Key] = new PopulationAnswer(p.Held, null, range, cap, warnings);
            }
    }

    private static string Selector(string[] names, IEnumerable<Population> populations)
    {
        var list = populations.ToList();
        return string.Join(",", names.Select((n, i) => $"{n}=~{PromQlText.Literal(Alternation(list.Select(p => p.Values[i])))}"));
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
