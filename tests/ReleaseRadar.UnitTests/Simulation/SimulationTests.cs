using System.Text.RegularExpressions;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.UnitTests.Simulation;

public sealed class SimulationTests
{
    private sealed class Tally : ITrafficSink
    {
        public readonly Dictionary<(string Version, string Code), long> Codes = [];
        public readonly List<double> Latencies = [];

        public void Requests(string service, string version, string code, long count) =>
            Codes[(version, code)] = Codes.GetValueOrDefault((version, code)) + count;

        public void Latency(string service, string version, double seconds) => Latencies.Add(seconds);

        public void Calls(string caller, string callee, long count) { }

        public long Total => Codes.Values.Sum();

        public double Share(Func<string, bool> code) => Codes.Where(kv => code(kv.Key.Code)).Sum(kv => kv.Value) / (double)Total;
    }

    private static Tally Run(string scenario, int seed = 1, double minutes = 30, string? incident = null, string? onset = null, double from = 0)
    {
        var file = new ScenarioFile
        {
            Seed = seed,
            Services =
            [
                new ServiceEntry
                {
                    Name = "checkout",
                    BaseRps = 50,
                    Timeline =
                    [
                        new DeploymentEntry
                        {
                            At = "0s",
                            Version = "v2",
                            Scenario = scenario,
                            Onset = onset,
                        },
                    ],
                },
            ],
            Incidents = incident is null
                ? []
                :
                [
                    new IncidentEntry
                    {
                        At = "0s",
                        Duration = "1h",
                        Effect = incident,
                    },
                ],
        };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var runner = new ScenarioRunner(file, start);
        var tally = new Tally();
        var ignored = new Tally();
        for (var t = start; t < start.AddMinutes(minutes); t = t.AddSeconds(5))
            runner.Tick(t, TimeSpan.FromSeconds(5), t < start.AddMinutes(from) ? ignored : tally);
        return tally;
    }

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)(q * (sorted.Count - 1))];
    }

    /// <summary>Requests and 5xx per service, and the calls the mesh counted.</summary>
    private sealed class ByService : ITrafficSink
    {
        public readonly Dictionary<string, (long All, long Server)> Served = [];
        public readonly Dictionary<(string Caller, string Callee), long> Mesh = [];

        public void Requests(string service, string version, string code, long count)
        {
            var (all, server) = Served.GetValueOrDefault(service);
            Served[service] = (all + count, server + (code.StartsWith('5') ? count : 0));
        }

        public void Latency(string service, string version, double seconds) { }

        public void Calls(string caller, string callee, long count) => Mesh[(caller, callee)] = Mesh.GetValueOrDefault((caller, callee)) + count;

        public double ServerShare(string service) => Served[service].Server / (double)Served[service].All;
    }

    private static ByService RunCalls(string paymentsScenario)
    {
        ServiceEntry Service(string name, string scenario, params string[] calls) =>
            new()
            {
                Name = name,
                BaseRps = 50,
                Calls = [.. calls],
                Timeline =
                [
                    new DeploymentEntry
                    {
                        At = "0s",
                        Version = "v2",
                        Scenario = scenario,
                    },
                ],
            };
        var file = new ScenarioFile
        {
            Seed = 3,
            Services = [Service("checkout", Scenarios.Good, "payments"), Service("payments", paymentsScenario), Service("catalog", Scenarios.Good)],
        };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var runner = new ScenarioRunner(file, start);
        var sink = new ByService();
        for (var t = start; t < start.AddMinutes(20); t = t.AddSeconds(5))
            runner.Tick(t, TimeSpan.FromSeconds(5), sink);
        return sink;
    }

    [Fact]
    public void A_caller_feels_most_of_its_callees_bad_version_and_the_mesh_counts_each_call()
    {
        var good = RunCalls(Scenarios.Good);
        var bad = RunCalls(Scenarios.ErrorRegression);
        Assert.InRange(good.ServerShare("checkout"), 0.001, 0.004);
        Assert.InRange(bad.ServerShare("payments"), 0.025, 0.036); // ~0.2 % + 2.8 %
        // 80 % of the callee's added 5xx reach its caller; a service that calls neither is untouched.
        Assert.InRange(bad.ServerShare("checkout"), 0.019, 0.03);
        Assert.InRange(bad.ServerShare("catalog"), 0.001, 0.004);
        // One call per request served, on the one declared edge.
        Assert.Equal([("checkout", "payments")], bad.Mesh.Keys);
        Assert.Equal(bad.Served["checkout"].All, bad.Mesh[("checkout", "payments")]);
    }

    [Fact]
    public void A_call_to_a_service_the_file_does_not_have_is_refused()
    {
        var e = Assert.Throws<FormatException>(() =>
            ScenarioFile.Parse("services:\n  - name: checkout\n    calls: [paymnts]\n    timeline: [{at: 0s, version: v1}]\n")
        );
        Assert.Contains("services[checkout].calls: 'paymnts' is not another service of the file", e.Message);
    }

    [Fact]
    public void The_same_seed_gives_the_same_traffic()
    {
        Assert.Equal(Run(Scenarios.Good, seed: 9).Codes, Run(Scenarios.Good, seed: 9).Codes);
        Assert.NotEqual(Run(Scenarios.Good, seed: 9).Codes, Run(Scenarios.Good, seed: 10).Codes);
    }

    [Fact]
    public void A_good_release_looks_like_the_seed_describes()
    {
        var t = Run(Scenarios.Good);
        Assert.InRange(t.Total / (30 * 60.0), 40, 60); // ~50 req/s
        Assert.InRange(t.Share(c => c.StartsWith('5')), 0.001, 0.004); // ~0.2 % 5xx
        Assert.InRange(t.Share(c => c.StartsWith('4')), 0.0015, 0.0055); // ~0.3 % 4xx, kept apart
        Assert.InRange(Quantile(t.Latencies, 0.5), 0.07, 0.09); // P50 ~80 ms
        Assert.InRange(Quantile(t.Latencies, 0.95), 0.15, 0.22); // P95 ~170-180 ms
        Assert.True(Quantile(t.Latencies, 0.99) > Quantile(t.Latencies, 0.95) * 1.2);
    }

    [Fact]
    public void Regression_scenarios_move_the_right_metrics()
    {
        var good = Run(Scenarios.Good);
        var errors = Run(Scenarios.ErrorRegression);
        var slow = Run(Scenarios.LatencyRegression);
        Assert.True(errors.Share(c => c.StartsWith('5')) > 0.02);
        Assert.InRange(errors.Share(c => c.StartsWith('4')), 0.0015, 0.0055); // 4xx untouched
        Assert.True(Quantile(slow.Latencies, 0.95) > Quantile(good.Latencies, 0.95) * 1.4);
        Assert.InRange(slow.Share(c => c.StartsWith('5')), 0.001, 0.004);
    }

    [Fact]
    public void Traffic_loss_and_tail_regressions_move_only_their_own_metric()
    {
        var good = Run(Scenarios.Good);
        var lost = Run(Scenarios.TrafficLoss);
        var tail = Run(Scenarios.TailLatencyRegression);
        Assert.InRange(lost.Total / (double)good.Total, 0.2, 0.4); // ~70 % of the requests never arrive
        Assert.InRange(lost.Share(c => c.StartsWith('5')), 0.001, 0.004); // and those that do are fine
        Assert.True(Quantile(tail.Latencies, 0.99) > Quantile(good.Latencies, 0.99) * 1.3); // the slow path is 5× as common
        Assert.InRange(Quantile(tail.Latencies, 0.5) / Quantile(good.Latencies, 0.5), 0.95, 1.05);
    }

    [Fact]
    public void An_onset_delays_a_scenario()
    {
        var before = Run(Scenarios.ErrorRegression, onset: "20m", minutes: 19);
        var after = Run(Scenarios.ErrorRegression, onset: "20m", minutes: 30, from: 21);
        Assert.InRange(before.Share(c => c.StartsWith('5')), 0.001, 0.004);
        Assert.True(after.Share(c => c.StartsWith('5')) > 0.02);
        Assert.Throws<FormatException>(() => ScenarioFile.Parse("services: [{name: a, timeline: [{at: 0s, onset: soon}]}]"));
    }

    [Fact]
    public void A_traffic_spike_triples_load_and_hurts_everyone()
    {
        var spike = Run(Scenarios.Good, incident: Scenarios.TrafficSpike);
        Assert.InRange(spike.Total / (30 * 60.0), 120, 180);
        Assert.True(spike.Share(c => c.StartsWith('5')) > 0.01);
    }

    [Fact]
    public void Unknown_scenarios_are_refused_with_the_known_ones()
    {
        var e = Assert.Throws<FormatException>(() =>
            ScenarioFile.Parse("services:\n  - name: a\n    timeline:\n      - { at: 0s, version: v1, scenario: meltdown }\n")
        );
        Assert.Contains("unknown scenario 'meltdown'", e.Message + e.InnerException?.Message);
    }

    [Fact]
    public void The_openmetrics_history_is_what_promtool_expects()
    {
        var file = new ScenarioFile
        {
            Labels = new() { ["scenario"] = "s01" },
            Services =
            [
                new ServiceEntry
                {
                    Name = "checkout",
                    BaseRps = 20,
                    Timeline = [new DeploymentEntry { At = "0s", Version = "v1" }, new DeploymentEntry { At = "5m", Version = "v2" }],
                },
            ],
        };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var writer = new OpenMetricsHistoryWriter();
        writer.Simulate(new ScenarioRunner(file, start), start, start.AddMinutes(10), TimeSpan.FromSeconds(15));
        var text = new StringWriter();
        writer.Write(text);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("# EOF", lines[^1]);
        Assert.Equal(1, lines.Count(l => l == "# TYPE http_requests counter"));
        Assert.Equal(1, lines.Count(l => l == "# TYPE http_request_duration_seconds histogram"));
        // Per series, timestamps strictly increase and counters never decrease.
        var series = lines
            .Where(l => !l.StartsWith('#'))
            .Select(l => Regex.Match(l, @"^(\S+\{.*\}) (\S+) (\S+)$"))
            .GroupBy(m => m.Groups[1].Value, m => (V: double.Parse(m.Groups[2].Value), T: double.Parse(m.Groups[3].Value)));
        foreach (var s in series)
        {
            var points = s.ToList();
            Assert.True(points.Zip(points.Skip(1)).All(p => p.Second.T > p.First.T), s.Key);
            if (!s.Key.StartsWith("http_request_duration_seconds_sum", StringComparison.Ordinal))
                Assert.True(points.Zip(points.Skip(1)).All(p => p.Second.V >= p.First.V), s.Key);
        }
        Assert.Contains(
            lines,
            l => l.StartsWith("http_requests_total{code=\"200\",service=\"checkout\",version=\"v2\",scenario=\"s01\"}", StringComparison.Ordinal)
        );
        Assert.Contains(lines, l => l.Contains("le=\"+Inf\"", StringComparison.Ordinal));
    }
}
