using System.Text.Json;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// The quick start's own files (scenario, Release, scrape interval), backfilled into a real Prometheus instead of waited
/// for: the bad release is risky on its 5xx and its P95 both, and a healthy variant of it ends OK with both
/// judged too. Run through `releaseradar analyze` as the README runs it, at the moment the README's `sleep` ends.
/// </summary>
public sealed class QuickstartShapeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private LocalPrometheus? _server;
    private string? _dir;
    private ScenarioFile? _scenario;

    public async ValueTask InitializeAsync()
    {
        if (LocalPrometheus.FindBinary("prometheus") is null || LocalPrometheus.FindBinary("promtool") is null)
            return;
        _dir = Directory.CreateTempSubdirectory("rr-quickstart-").FullName;
        var writer = new OpenMetricsHistoryWriter();
        foreach (var (name, healthy) in new[] { ("bad", false), ("healthy", true) })
        {
            var file = ScenarioFile.Parse(await File.ReadAllTextAsync(RepoPaths.Of("config", "samples", "quickstart", "scenario.yaml")));
            file.Labels["variant"] = name;
            if (healthy)
                foreach (var d in file.Services.SelectMany(s => s.Timeline))
                    d.Scenario = Scenarios.Good;
            _scenario ??= file;
            // The quick start's Prometheus scrapes every 5 s; its samples never sit on the step grid.
            writer.Simulate(new ScenarioRunner(file, Start), Start + TimeSpan.FromSeconds(2), Start.AddMinutes(8), TimeSpan.FromSeconds(5));
        }
        var om = Path.Combine(_dir, "history.om");
        await using (var text = File.CreateText(om))
            writer.Write(text);
        await LocalPrometheus.BackfillAsync(om, Path.Combine(_dir, "data"));
        _server = await LocalPrometheus.StartAsync([], TimeSpan.FromSeconds(5), Path.Combine(_dir, "data"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        if (_dir is not null)
            Directory.Delete(_dir, true);
    }

    /// <summary>The quick start's Release, selecting one variant, analysed <paramref name="after"/> v2 shipped.</summary>
    private async Task<(int ExitCode, JsonElement Status)> AnalyzeAsync(string variant, TimeSpan after)
    {
        PrometheusRequirement.EnsureAvailable();
        var release = (await File.ReadAllTextAsync(RepoPaths.Of("config", "samples", "quickstart", "release.yaml"))).Replace(
            "    service: checkout",
            $"    service: checkout\n    variant: {variant}",
            StringComparison.Ordinal
        );
        var shipped = Start + ScenarioFile.Offset(_scenario!.Services[0].Timeline[1].At, "at");
        var r = await CliProcess.RunAsync([
            "analyze",
            "-f",
            CliProcess.TempFile(release),
            "--prometheus",
            _server!.Url.ToString(),
            "--at",
            (shipped + after).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            "--deployed-at",
            GoDuration(after),
            "-o",
            "json",
        ]);
        return (r.ExitCode, JsonDocument.Parse(r.Stdout).RootElement.Clone());
    }

    private static string GoDuration(TimeSpan t) => ReleaseRadar.Analysis.Planning.GoDuration.Format(t);

    private static string Outcome(JsonElement status, string metric) =>
        status.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == metric).GetProperty("outcome").GetString()!;

    [Fact]
    public async Task The_quick_start_release_is_riesgoso_on_its_5xx_and_its_p95()
    {
        // When the README's sleep ends: 90 s after v2 shipped.
        var (exit, status) = await AnalyzeAsync("bad", TimeSpan.FromSeconds(90));
        Assert.Equal(2, exit);
        Assert.Equal(StatusWire.Word(Verdict.Risky), status.GetProperty("verdict").GetString());
        Assert.Equal("Regressed", Outcome(status, CheckNames.ServerErrorRate));
        Assert.Equal("Regressed", Outcome(status, CheckNames.LatencyP95));
    }

    [Fact]
    public async Task Its_healthy_variant_ends_ok_with_both_judged()
    {
        // At the end of its 5-minute window: before it, 75 s of a healthy service cannot rule out a doubling of its 0.2 % 5xx.
        var (exit, status) = await AnalyzeAsync("healthy", TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, string.Join("\n", status.GetProperty("reasons").EnumerateArray().Select(r => r.GetString())));
        Assert.Equal("OK", status.GetProperty("verdict").GetString());
        Assert.NotEqual("NoData", Outcome(status, CheckNames.ServerErrorRate));
        Assert.NotEqual("NoData", Outcome(status, CheckNames.LatencyP95));
        // 15 s steps on 5 s scrapes hold three samples each: nothing is widened, and the status says so.
        Assert.Equal("5s", status.GetProperty("sampling").GetProperty("scrapeInterval").GetString());
        Assert.Equal("15s", status.GetProperty("sampling").GetProperty("queryRange").GetString());
    }
}
