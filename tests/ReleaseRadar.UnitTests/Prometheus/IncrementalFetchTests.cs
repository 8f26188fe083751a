using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.UnitTests.Prometheus;

/// <summary>
/// The batcher keeps each population's steps between intervals and reads only what is new or still settling; what it
/// answers must be what a read of the whole window would give.
/// </summary>
public sealed class IncrementalFetchTests
{
    private static readonly MetricNames Names = ReleasePlanner.Plan(ReleaseRadar.UnitTests.Core.PlannerTests.Valid().Subject).Plan!.Metrics;
    private static readonly DateTimeOffset T = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);
    private static readonly Dictionary<string, string> Checkout = new() { ["service"] = "checkout" };

    /// <summary>
    /// A Prometheus that answers each range query over exactly the steps it asks for, two codes per step, with
    /// <see cref="Value"/>: as a real one does, so a read of too few steps shows up as missing steps.
    /// </summary>
    private sealed class SteppedPrometheus : IDisposable
    {
        public Func<DateTimeOffset, string, double> Value { get; set; } = (t, code) => code == "200" ? t.Minute + 100 : t.Minute % 7;
        public ScriptedHandler Handler { get; }
        public PrometheusClient Client { get; }

        public SteppedPrometheus()
        {
            Handler = new ScriptedHandler(request =>
            {
                var form = Form(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult());
                var body = request.RequestUri!.AbsolutePath.EndsWith("query_range", StringComparison.Ordinal)
                    ? Matrix(form)
                    : """{"status":"success","data":{"resultType":"vector","result":[]}}""";
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            });
            Client = new PrometheusClient(new PrometheusOptions { Url = new Uri("http://prom.test/") }, Handler, (_, _) => Task.CompletedTask);
        }

        private string Matrix(Dictionary<string, string> form)
        {
            if (form["query"].Contains("_bucket", StringComparison.Ordinal))
                return """{"status":"success","data":{"resultType":"matrix","result":[]}}""";
            var (start, end) = (Time(form["start"]), Time(form["end"]));
            string Series(string code)
            {
                var values = new List<string>();
                for (var t = start; t <= end; t += Step)
                    values.Add($"[{t.ToUnixTimeSeconds()},\"{Value(t, code).ToString(CultureInfo.InvariantCulture)}\"]");
                return $$"""{"metric":{"code":"{{code}}","service":"checkout"},"values":[{{string.Join(",", values)}}]}""";
            }
            var result = string.Join(",", Series("200"), Series("500"));
            return """{"status":"success","data":{"resultType":"matrix","result":[""" + result + "]}}";
        }

        /// <summary>The start and end of every range query sent, in order.</summary>
        public List<(DateTimeOffset Start, DateTimeOffset End)> RangeReads =>
            [
                .. Handler
                    .Requests.Where(r => r.Request.RequestUri!.AbsolutePath.EndsWith("query_range", StringComparison.Ordinal))
                    .Select(r => Form(r.Body))
                    .Where(f => !f["query"].Contains("_bucket", StringComparison.Ordinal))
                    .Select(f => (Time(f["start"]), Time(f["end"]))),
            ];

        private static DateTimeOffset Time(string seconds) =>
            DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(seconds, CultureInfo.InvariantCulture) * 1000));

        private static Dictionary<string, string> Form(string body) =>
            body.Split('&')
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')), StringComparer.Ordinal);

        public void Dispose() => Client.Dispose();
    }

    private static List<(string Code, DateTimeOffset Time, double Value)> Points(PrometheusResult result) =>
        [.. result.Series.SelectMany(s => s.Points.Select(p => (s.Labels["code"], p.Time, p.Value))).OrderBy(p => p.Item1).ThenBy(p => p.Time)];

    [Fact]
    public async Task Each_interval_reads_only_its_new_step_and_answers_what_a_whole_window_read_gives()
    {
        var ct = TestContext.Current.CancellationToken;
        using var prometheus = new SteppedPrometheus();
        var clock = new FakeTimeProvider(T.AddDays(1)); // long after: every step has settled
        var batcher = new PopulationBatcher(prometheus.Client, clock);
        var from = T.AddMinutes(-40);

        for (var i = 0; i <= 3; i++)
            await batcher.FetchAsync(Names, Checkout, from, T.AddMinutes(i), Step, ct);
        var incremental = await batcher.FetchAsync(Names, Checkout, from, T.AddMinutes(4), Step, ct);

        // The first read covers the window; every later one only the step its interval adds.
        Assert.Equal((from + Step, T), prometheus.RangeReads[0]);
        Assert.Equal([.. Enumerable.Range(1, 4).Select(i => (T.AddMinutes(i), T.AddMinutes(i)))], prometheus.RangeReads.Skip(1).ToList());

        using var fresh = new SteppedPrometheus();
        var whole = await new PopulationBatcher(fresh.Client, clock).FetchAsync(Names, Checkout, from, T.AddMinutes(4), Step, ct);
        Assert.Equal(44 * 2, Points(whole.Requests).Count);
        Assert.Equal(Points(whole.Requests), Points(incremental.Requests));
    }

    [Fact]
    public async Task A_step_read_while_still_settling_is_read_again_and_its_later_value_wins()
    {
        var ct = TestContext.Current.CancellationToken;
        using var prometheus = new SteppedPrometheus();
        var clock = new FakeTimeProvider(T.AddSeconds(5)); // the step ending at T was read 5 s after it ended
        var batcher = new PopulationBatcher(prometheus.Client, clock);
        var from = T.AddMinutes(-10);
        prometheus.Value = (t, code) => t == T ? 1 : 10; // its last samples have not arrived yet
        await batcher.FetchAsync(Names, Checkout, from, T, Step, ct);

        prometheus.Value = (_, _) => 10; // now they have
        clock.Advance(Step);
        var next = await batcher.FetchAsync(Names, Checkout, from, T.AddMinutes(1), Step, ct);

        Assert.Equal((T, T.AddMinutes(1)), prometheus.RangeReads[^1]);
        Assert.All(Points(next.Requests), p => Assert.Equal(10, p.Value));
        Assert.Equal(11 * 2, Points(next.Requests).Count);
    }

    [Fact]
    public async Task A_release_asking_for_earlier_steps_than_are_held_gets_its_whole_window_read()
    {
        var ct = TestContext.Current.CancellationToken;
        using var prometheus = new SteppedPrometheus();
        var batcher = new PopulationBatcher(prometheus.Client, new FakeTimeProvider(T.AddDays(1)));
        await batcher.FetchAsync(Names, Checkout, T.AddMinutes(-10), T, Step, ct);
        // A second Release of the same service, with a longer baseline, at the next interval.
        var longer = await batcher.FetchAsync(Names, Checkout, T.AddMinutes(-60), T.AddMinutes(1), Step, ct);

        Assert.Equal((T.AddMinutes(-59), T.AddMinutes(1)), prometheus.RangeReads[^1]);
        Assert.Equal(61, Points(longer.Requests).Count(p => p.Code == "200"));
    }

    [Fact]
    public async Task A_NaN_step_is_held_as_Prometheus_sent_it_not_as_a_missing_step()
    {
        var ct = TestContext.Current.CancellationToken;
        using var prometheus = new SteppedPrometheus();
        var batcher = new PopulationBatcher(prometheus.Client, new FakeTimeProvider(T.AddDays(1)));
        var from = T.AddMinutes(-5);
        await batcher.FetchAsync(Names, Checkout, from, T, Step, ct);
        prometheus.Value = (t, code) => code == "500" ? double.NaN : 100;
        var next = await batcher.FetchAsync(Names, Checkout, from, T.AddMinutes(1), Step, ct);

        var errors = Points(next.Requests).Where(p => p.Code == "500").ToList();
        Assert.Equal(6, errors.Count); // the five steps read before, and the new step as Prometheus sent it
        Assert.True(double.IsNaN(errors[^1].Value));
        Assert.Equal(5, errors.Count(p => double.IsFinite(p.Value)));
    }
}
