using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Cli.Commands;

/// <summary>
/// `releaseradar mock-exporter`: serves simulated services on /metrics (prometheus-net), switchable at run time;
/// `releaseradar mock-exporter history`: writes a scenario's past as OpenMetrics for promtool backfill.
/// </summary>
public static class MockExporterCommand
{
    public const string DefaultScenario = """
        seed: 7
        services:
          - name: checkout
            baseRps: 80
            timeline:
              - { at: 0s, version: v1, scenario: good }
          - name: catalog
            baseRps: 60
            timeline:
              - { at: 0s, version: v5, scenario: good }
        """;

    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1:9400" };
        var scenarioFile = new Option<string?>("--scenario-file")
        {
            Description =
                "YAML scenario file (services, version timeline, incidents; format: config/samples/quickstart/scenario.yaml); "
                + "a two-service default otherwise",
            Recursive = true, // also `mock-exporter history --scenario-file …`, as the README writes it
        };
        var command = new Command(
            "mock-exporter",
            "Simulate HTTP services and expose their metrics on /metrics; POST /scenario and /incident switch scenarios at run time"
        )
        {
            listen,
            scenarioFile,
            History(scenarioFile),
        };
        command.SetAction(
            async (result, ct) =>
            {
                try
                {
                    var file = Load(result.GetValue(scenarioFile));
                    var runner = new ScenarioRunner(file, DateTimeOffset.UtcNow);
                    var url = "http://" + result.GetValue(listen);
                    await using var app = MockExporterServer.Build(runner, url, quiet: false);
                    Console.Error.WriteLine(
                        $"mock exporter on {url}/metrics  (scenarios: {string.Join(", ", Scenarios.VersionScenarios)}; incidents: "
                            + $"{string.Join(", ", Scenarios.IncidentScenarios)})"
                    );
                    Console.Error.WriteLine(
                        $"switch at run time: curl -X POST '{url}/scenario?service=checkout&version=v2&scenario=error-regression'"
                    );
                    await app.StartAsync(ct);
                    await app.WaitForShutdownAsync(ct);
                    return 0;
                }
                catch (Exception e) when (e is FormatException or UsageException or IOException)
                {
                    Console.Error.WriteLine($"error: {e.Message}");
                    return ExitCodes.Error;
                }
            }
        );
        return command;
    }

    private static Command History(Option<string?> scenarioFile)
    {
        var start = new Option<string?>("--start") { Description = "RFC 3339 start of the history (default: now minus --duration)" };
        var duration = new Option<string>("--duration") { Description = "Length of the history", DefaultValueFactory = _ => "2h" };
        var scrape = new Option<string>("--scrape-interval") { Description = "Simulated scrape interval", DefaultValueFactory = _ => "15s" };
        var output = new Option<string>("--output", "-o") { Description = "OpenMetrics file to write", Required = true };
        var command = new Command("history", "Write a scenario's history as OpenMetrics, for 'promtool tsdb create-blocks-from openmetrics'")
        {
            start,
            duration,
            scrape,
            output,
        };
        command.SetAction(
            async (result, ct) =>
            {
                try
                {
                    var file = Load(result.GetValue(scenarioFile));
                    if (!GoDuration.TryParse(result.GetValue(duration), out var length) || length <= TimeSpan.Zero || length > TimeSpan.FromDays(31))
                        throw new UsageException("--duration: not a duration like 2h, between 1s and 31d");
                    if (
                        !GoDuration.TryParse(result.GetValue(scrape), out var interval)
                        || interval < TimeSpan.FromSeconds(1)
                        || interval > TimeSpan.FromHours(1)
                    )
                        throw new UsageException("--scrape-interval: not a duration between 1s and 1h");
                    var from = DateTimeOffset.UtcNow - length;
                    if (result.GetValue(start) is { } s && !Rfc3339.TryParse(s, out from))
                        throw new UsageException($"--start: '{s}' is not an RFC 3339 time");
                    var writer = new OpenMetricsHistoryWriter();
                    writer.Simulate(new ScenarioRunner(file, from), from, from + length, interval);
                    await using var stream = File.CreateText(result.GetValue(output)!);
                    writer.Write(stream);
                    Console.Error.WriteLine(
                        $"wrote {result.GetValue(output)}: {Rfc3339.Format(from)} → {Rfc3339.Format(from + length)} every "
                            + $"{GoDuration.Format(interval)}"
                    );
                    Console.Error.WriteLine(
                        $"load it with: promtool tsdb create-blocks-from openmetrics {result.GetValue(output)} <prometheus data dir>"
                    );
                    return 0;
                }
                catch (Exception e) when (e is FormatException or UsageException or IOException or ArgumentException)
                {
                    Console.Error.WriteLine($"error: {e.Message}");
                    return ExitCodes.Error;
                }
            }
        );
        return command;
    }

    private static ScenarioFile Load(string? path)
    {
        if (path is null)
            return ScenarioFile.Parse(DefaultScenario);
        try
        {
            return ScenarioFile.Parse(File.ReadAllText(path));
        }
        catch (IOException e)
        {
            throw new UsageException($"--scenario-file: cannot read {path}: {e.Message}");
        }
    }
}
