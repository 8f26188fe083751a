using System.Net;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.UnitTests.Prometheus;

public sealed class PopulationBatcherTests
{
    private static readonly MetricNames Names = ReleasePlanner.Plan(ReleaseRadar.UnitTests.Core.PlannerTests.Valid().Subject).Plan!.Metrics;
    private static readonly DateTimeOffset T = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    private const string Answer = """
        {"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"code":"200","service":"a"},"values":[[1763906400,"10"]]},
          {"metric":{"code":"200","service":"b"},"values":[[1763906400,"20"]]}]}}
        """;

    /// <summary>120 services, more than two chunks of 50.</summary>
    private static readonly List<Dictionary<string, string>> Fleet =
    [
        .. Enumerable.Range(0, 120).Select(i => new Dictionary<string, string> { ["service"] = $"svc{i:000}" }),
    ];

    /// <summary>Each fleet service deployed at its own time, so each asks for its own window start, in no particular order.</summary>
    private static DateTimeOffset FleetFrom(int i) => T.AddMinutes(-35 - (i * 7 % 30));

    /// <summary>Every fleet service asks for its window up to <paramref name="to"/>, one after the other.</summary>
    private static async Task FetchFleetAsync(PopulationBatcher batcher, DateTimeOffset to, CancellationToken ct)
    {
        foreach (var (s, i) in Fleet.Select((s, i) => (s, i)))
            await batcher.FetchAsync(Names, s, FleetFrom(i), to, TimeSpan.FromMinutes(1), ct);
    }

    /// <summary>
    /// A Prometheus client whose every range answer is <see cref="Answer"/>, recording the requests it is sent. The sample
    /// interval probe (an instant query) finds no series, so every step reads over itself.
    /// </summary>
    private sealed class ScriptedPrometheus : IDisposable
    {
        public ScriptedHandler Handler { get; } =
            new(request =>
                request.RequestUri!.AbsolutePath.EndsWith("query_range", StringComparison.Ordinal)
                    ? ScriptedHandler.Json(HttpStatusCode.OK, Answer)(request)
                    : ScriptedHandler.Json(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[]}}""")(request)
            );

        /// <summary>The range queries sent: the traffic the batcher fetched, without the probes.</summary>
        public List<(HttpRequestMessage Request, string Body)> RangeQueries =>
            [.. Handler.Requests.Where(r => r.Request.RequestUri!.AbsolutePath.EndsWith("query_range", StringComparison.Ordinal))];
        private readonly PrometheusClient _client;

        public ScriptedPrometheus() =>
            _client = new PrometheusClient(new PrometheusOptions { Url = new Uri("http://prom.test/") }, Handler, (_, _) => Task.CompletedTask);

        public PopulationBatcher Batcher(int maxPopulationsPerQuery = PopulationBatcher.DefaultChunk) =>
            new(_client, TimeProvider.System, maxPopulationsPerQuery);

        public void Dispose() => _client.Dispose();
    }

    [Fact]
    public void Label_values_are_escaped_into_a_literal_alternation()
    {
        Assert.Equal(@"a\.b|c\|d|x\(y\)\*", PopulationBatcher.Alternation(["x(y)*", "a.b", "c|d", "a.b"]));
    }

    [Fact]
    public async Task Populations_seen_once_share_one_query_pair_per_interval()
    {
        using var prometheus = new ScriptedPrometheus();
        var batcher = prometheus.Batcher();
        var ct = TestContext.Current.CancellationToken;
        var services = Enumerable.Range(0, 50).Select(i => new Dictionary<string, string> { ["service"] = $"svc{i}" }).ToList();

        // First interval: each new population joins the next fetch.
        foreach (var s in services)
            await batcher.FetchAsync(Names, s, T.AddHours(-1), T, TimeSpan.FromMinutes(1), ct);
        var firstInterval = prometheus.RangeQueries.Count;
        // Second interval: one pair of queries serves all fifty.
        foreach (var s in services)
            await batcher.FetchAsync(Names, s, T.AddHours(-1), T.AddMinutes(1), TimeSpan.FromMinutes(1), ct);
        Assert.Equal(2, prometheus.RangeQueries.Count - firstInterval);
        var query = Uri.UnescapeDataString(prometheus.RangeQueries[^1].Body.Replace('+', ' '));
        Assert.Contains("sum by (le, service)", query + Uri.UnescapeDataString(prometheus.RangeQueries[^2].Body.Replace('+', ' ')));
        Assert.Contains("service=~\"svc0|svc1|svc10|", query);
    }

    [Fact]
    public async Task A_large_fleet_is_fetched_in_bounded_chunks_and_a_newcomer_does_not_refetch_the_others()
    {
        using var prometheus = new ScriptedPrometheus();
        var batcher = prometheus.Batcher(maxPopulationsPerQuery: 50);
        var ct = TestContext.Current.CancellationToken;
        await FetchFleetAsync(batcher, T, ct);

        var before = prometheus.RangeQueries.Count;
        await FetchFleetAsync(batcher, T.AddMinutes(1), ct);
        var chunked = prometheus.RangeQueries.Skip(before).Select(r => Uri.UnescapeDataString(r.Body.Replace('+', ' '))).ToList();
        Assert.Equal(6, chunked.Count); // three chunks of at most 50, a pair each
        var alternatives = chunked.Select(q => q.Split("svc").Length - 1).ToList();
        Assert.All(alternatives, n => Assert.InRange(n, 1, 50));
        Assert.Equal(240, alternatives.Sum()); // every population in exactly one chunk, in both queries of its pair

        before = prometheus.RangeQueries.Count;
        await batcher.FetchAsync(
            Names,
            new Dictionary<string, string> { ["service"] = "late" },
            T.AddHours(-1),
            T.AddMinutes(1),
            TimeSpan.FromMinutes(1),
            ct
        );
        var late = prometheus.RangeQueries.Skip(before).Select(r => Uri.UnescapeDataString(r.Body.Replace('+', ' '))).ToList();
        Assert.Equal(2, late.Count);
        Assert.All(late, q => Assert.DoesNotContain("svc", q));
    }

    [Fact]
    public async Task Different_label_sets_and_steps_are_different_groups()
    {
        using var prometheus = new ScriptedPrometheus();
        var batcher = prometheus.Batcher();
        var ct = TestContext.Current.CancellationToken;
        await batcher.FetchAsync(Names, new Dictionary<string, string> { ["service"] = "a" }, T.AddHours(-1), T, TimeSpan.FromMinutes(1), ct);
        await batcher.FetchAsync(
            Names,
            new Dictionary<string, string> { ["service"] = "a", ["env"] = "prod" },
            T.AddHours(-1),
            T,
            TimeSpan.FromMinutes(1),
            ct
        );
        await batcher.FetchAsync(Names, new Dictionary<string, string> { ["service"] = "a" }, T.AddHours(-1), T, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(6, prometheus.RangeQueries.Count);
    }

    [Fact]
    public void A_batched_answer_is_split_by_exact_selector()
    {
        var answer = new PrometheusResult(
            "matrix",
            [
                new PrometheusSeries(new Dictionary<string, string> { ["code"] = "200", ["service"] = "a" }, [new(T, 10)]),
                new PrometheusSeries(new Dictionary<string, string> { ["code"] = "500", ["service"] = "a" }, [new(T, 1)]),
                new PrometheusSeries(new Dictionary<string, string> { ["code"] = "200", ["service"] = "ab" }, [new(T, 99)]),
            ],
            []
        );
        var span = PrometheusReleaseSource.ToSpan(
            Names,
            answer,
            new PrometheusResult("matrix", [], []),
            new Dictionary<string, string> { ["service"] = "a" },
            StepRange.For(TimeSpan.FromMinutes(1), null)
        );
        var step = Assert.Single(span.Steps.Values);
        Assert.Equal((11, 1, 1), (step.Requests, step.Errors, step.ServerErrors));
    }

    [Fact]
    public async Task Populations_expected_before_the_first_interval_share_its_queries()
    {
        using var prometheus = new ScriptedPrometheus();
        var batcher = prometheus.Batcher(maxPopulationsPerQuery: 50);
        var ct = TestContext.Current.CancellationToken;

        // What the controller does with its cache before the workers start: no query yet.
        foreach (var (s, i) in Fleet.Select((s, i) => (s, i)))
            batcher.Expect(Names, s, FleetFrom(i), TimeSpan.FromMinutes(1));
        Assert.Empty(prometheus.RangeQueries);

        // The very first interval: three chunks, not a pair per population.
        await FetchFleetAsync(batcher, T, ct);
        Assert.Equal(6, prometheus.RangeQueries.Count);
    }
}
