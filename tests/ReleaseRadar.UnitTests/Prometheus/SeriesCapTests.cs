using System.Globalization;
using System.Net;
using System.Text;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Prometheus;
using ReleaseRadar.UnitTests.Core;

namespace ReleaseRadar.UnitTests.Prometheus;

/// <summary>Memory bounded by design: series over the caps are refused by count, and answers wait for each other's bytes.</summary>
public sealed class SeriesCapTests
{
    private static readonly DateTimeOffset Deploy = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    /// <summary>A range answer: per service, its codes, each with a sample every minute from an hour before the deploy.</summary>
    private static string Answer(params (string Service, int Codes)[] services)
    {
        var items = new List<string>();
        foreach (var (service, codes) in services)
            for (var c = 0; c < codes; c++)
            {
                var values = string.Join(
                    ",",
                    Enumerable
                        .Range(-60, 75)
                        .Select(m => $"[{Deploy.AddMinutes(m).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)},\"5\"]")
                );
                items.Add($$"""{"metric":{"code":"{{200 + c}}","service":"{{service}}"},"values":[{{values}}]}""");
            }
        return """{"status":"success","data":{"resultType":"matrix","result":[""" + string.Join(",", items) + "]}}";
    }

    /// <summary>Answers every request query with <paramref name="requests"/>, and buckets and probes with nothing.</summary>
    private static PrometheusClient Client(string requests, PrometheusOptions? options = null) =>
        new(
            options ?? new PrometheusOptions { Url = new Uri("http://prom.test/") },
            new ScriptedHandler(request =>
            {
                var form = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
                var empty = """{"status":"success","data":{"resultType":"matrix","result":[]}}""";
                var body =
                    !request.RequestUri!.AbsolutePath.EndsWith("query_range", StringComparison.Ordinal)
                        ? """{"status":"success","data":{"resultType":"vector","result":[]}}"""
                    : form.Contains("_bucket", StringComparison.Ordinal) ? empty
                    : requests;
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            }),
            (_, _) => Task.CompletedTask
        );

    private static ReleasePlan Plan(string service)
    {
        var release = PlannerTests.Valid();
        release.Spec.Selector!.Clear();
        release.Spec.Selector["service"] = service;
        return ReleasePlanner.Plan(release.Subject).Plan!;
    }

    [Fact]
    public async Task A_status_label_of_unbounded_cardinality_fails_its_own_release_and_not_its_neighbour_in_the_same_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = Client(Answer(("noisy", 600), ("quiet", 2)));
        var batcher = new PopulationBatcher(client, TimeProvider.System);
        var source = new PrometheusReleaseSource(client, batcher);
        var at = Deploy.AddMinutes(10);
        // Both populations known before the first fetch, so one answer holds them both, as at an interval of a fleet.
        foreach (var service in new[] { "noisy", "quiet" })
            batcher.Expect(Plan(service).Metrics, Plan(service).Selector, Deploy.AddHours(-2), TimeSpan.FromMinutes(1));

        var quiet = await source.FetchAsync(Plan("quiet"), AnalysisSchedule.At(Plan("quiet"), at), ct);
        var e = await Assert.ThrowsAsync<PrometheusException>(() => source.FetchAsync(Plan("noisy"), AnalysisSchedule.At(Plan("noisy"), at), ct));

        Assert.Equal("TooManySeries", e.Reason);
        Assert.Contains("600 series by its status label 'code'", e.Message, StringComparison.Ordinal);
        Assert.Contains("cap of 500", e.Message, StringComparison.Ordinal);
        // Two codes of 5 requests a step: the neighbour's count is whole, not cut by the noisy population's cap.
        Assert.All(quiet.Current.Steps, s => Assert.Equal(10, s.Requests));
        Assert.NotEmpty(quiet.Current.Steps);
    }

    [Fact]
    public async Task An_answer_over_the_series_cap_is_refused_by_its_count_before_it_is_parsed_whole()
    {
        var services = Enumerable.Range(0, 150).Select(i => ($"s{i}", 1)).ToArray();
        using var client = Client(
            Answer(services),
            new PrometheusOptions
            {
                Url = new Uri("http://prom.test/"),
                MaxSeriesPerPopulation = 10,
                MaxSeriesPerAnswer = 100,
            }
        );
        var e = await Assert.ThrowsAsync<PrometheusException>(() =>
            client.QueryRangeAsync(
                "x",
                Deploy,
                Deploy.AddMinutes(5),
                TimeSpan.FromMinutes(1),
                TestContext.Current.CancellationToken,
                client.Cap(["service"], 1000)
            )
        );
        Assert.Equal("PrometheusTooManySeries", e.Reason);
        Assert.Contains("more than 100 series", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_past_the_bytes_in_flight_waits_until_another_answer_is_parsed_and_the_oldest_never_waits()
    {
        var budget = new AnswerBudget(100);
        var first = budget.Open();
        var second = budget.Open();
        first.Take(80, TestContext.Current.CancellationToken);
        first.Take(500, TestContext.Current.CancellationToken); // the oldest goes over the bound rather than wait
        var waiting = Task.Run(() => second.Take(10, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(580, budget.PeakHeld);

        first.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        second.Dispose();
        Assert.Equal(580, budget.PeakHeld);
    }

    [Fact]
    public void A_read_after_its_answer_was_given_up_holds_no_bytes()
    {
        var budget = new AnswerBudget(100);
        var late = budget.Open();
        late.Dispose(); // the request was cancelled, and its answer given up
        late.Take(80, TestContext.Current.CancellationToken); // the response writer runs anyway
        Assert.Equal(0, budget.PeakHeld);
    }
}
