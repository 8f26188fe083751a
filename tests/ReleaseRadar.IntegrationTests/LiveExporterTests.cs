using System.Net.Http.Json;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests;

public sealed class LiveExporterTests
{
    /// <summary>The mock exporter playing a scenario file from now, and a real Prometheus scraping it every second.</summary>
    private sealed record Scraped(Microsoft.AspNetCore.Builder.WebApplication Exporter, LocalPrometheus Prometheus, int Port) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Prometheus.DisposeAsync();
            await Exporter.DisposeAsync();
        }
    }

    private static async Task<Scraped> ScrapedAsync(string scenarioYaml, CancellationToken ct)
    {
        PrometheusRequirement.EnsureAvailable();
        var port = LocalPrometheus.FreePort();
        var exporter = MockExporterServer.Build(
            new ScenarioRunner(ScenarioFile.Parse(scenarioYaml), DateTimeOffset.UtcNow),
            $"http://127.0.0.1:{port}"
        );
        await exporter.StartAsync(ct);
        try
        {
            return new Scraped(
                exporter,
                await LocalPrometheus.StartAsync([$"127.0.0.1:{port}"], TimeSpan.FromSeconds(1), cancellationToken: ct),
                port
            );
        }
        catch
        {
            await exporter.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task The_mock_exporter_prints_its_own_lines_and_no_aspnet_start_up_noise()
    {
        var port = LocalPrometheus.FreePort();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        async Task<bool> Serving()
        {
            try
            {
                return (await http.GetAsync($"http://127.0.0.1:{port}/metrics")).IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }
        var r = await CliProcess.RunUntilAsync(Serving, "mock-exporter", "--listen", $"127.0.0.1:{port}");
        var printed = r.Stdout + r.Stderr;
        Assert.Contains($"mock exporter on http://127.0.0.1:{port}/metrics", printed);
        Assert.DoesNotContain("Content root path", printed);
        Assert.DoesNotContain("Microsoft.Hosting.Lifetime", printed);
        Assert.DoesNotContain("Now listening on", printed);
    }

    [Fact]
    public async Task Prometheus_scrapes_the_mock_exporter_and_sees_a_runtime_switch()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scraped = await ScrapedAsync(
            "services:\n  - name: checkout\n    baseRps: 200\n    timeline:\n      - { at: 0s, version: v1, scenario: good }\n",
            ct
        );
        var prometheus = scraped.Prometheus;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{scraped.Port}") };

        var bad = await http.PostAsync("/scenario?service=checkout&version=v2&scenario=meltdown", null, ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("unknown scenario 'meltdown'", await bad.Content.ReadAsStringAsync(ct));

        var ok = await http.PostAsync("/scenario?service=checkout&version=v2&scenario=error-regression", null, ct);
        ok.EnsureSuccessStatusCode();
        var state = await ok.Content.ReadFromJsonAsync<List<ServiceState>>(ct);
        Assert.Equal("v2", Assert.Single(state!).Version);

        using var client = new PrometheusClient(new PrometheusOptions { Url = prometheus.Url });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        double serverErrors = 0;
        while (DateTime.UtcNow < deadline && serverErrors <= 0)
        {
            await Task.Delay(1000, ct);
            var r = await client.QueryAsync(
                "sum(increase(http_requests_total{service=\"checkout\",version=\"v2\",code=~\"5..\"}[10s]))",
                DateTimeOffset.UtcNow,
                ct
            );
            serverErrors = r.Series.Count == 0 ? 0 : r.Series[0].Points[0].Value;
        }
        Assert.True(serverErrors > 0, "Prometheus never saw v2's 5xx responses");
        var buckets = await client.QueryAsync(
            "count(http_request_duration_seconds_bucket{service=\"checkout\",version=\"v2\"})",
            DateTimeOffset.UtcNow,
            ct
        );
        Assert.Equal(ScenarioRunner.LatencyBuckets.Length + 1, buckets.Series[0].Points[0].Value);
    }

    [Fact]
    public async Task The_mock_exporter_counts_calls_as_istio_does_and_the_suspects_read_the_graph_from_a_scraping_prometheus()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var scraped = await ScrapedAsync(
            "services:\n  - name: checkout\n    baseRps: 100\n    calls: [payments]\n    timeline: [{ at: 0s, version: v1 }]\n"
                + "  - name: payments\n    baseRps: 100\n    timeline: [{ at: 0s, version: v1 }]\n",
            ct
        );
        using var client = new PrometheusClient(new PrometheusOptions { Url = scraped.Prometheus.Url });
        var reader = new MeshCallGraphReader(client);
        IReadOnlyDictionary<string, IReadOnlyList<string>> graph = new Dictionary<string, IReadOnlyList<string>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && graph.Count == 0)
        {
            await Task.Delay(1000, ct);
            graph = await reader.ReadAsync(MeshLabels.Istio, new Dictionary<string, string>(), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), ct);
        }
        Assert.Equal(["checkout"], graph.Keys);
        Assert.Equal(["payments"], graph["checkout"]);
    }
}
