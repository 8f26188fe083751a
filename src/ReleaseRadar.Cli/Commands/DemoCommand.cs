using System.CommandLine;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Cli.Demo;
using ReleaseRadar.Cli.Output;
using ReleaseRadar.Engine;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Simulation;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReleaseRadar.Cli.Commands;

/// <summary>
/// `releaseradar demo`: the mock exporter and a real Prometheus on loopback, three releases analysed live through the same
/// code path as the operator, and the evidence written at the end. About four minutes.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var evidence = new Option<string>("--evidence-dir")
        {
            Description = "Where to write the evidence (ignored by git; pass .evidence to refresh the committed example)",
            DefaultValueFactory = _ => "release-radar-evidence",
        };
        var prometheusBinary = new Option<string?>("--prometheus-binary")
        {
            Description = "Path to the prometheus binary (default: $PROMETHEUS_BINARY or PATH)",
        };
        var plain = new Option<bool>("--plain")
        {
            Description = "Print one line per analysis instead of a live table (automatic when output is not a terminal)",
        };
        var command = new Command("demo", "Run the end-to-end demo: a good release, a bad one, and a good one during a traffic spike")
        {
            evidence,
            prometheusBinary,
            plain,
        };
        command.SetAction(
            async (result, ct) =>
            {
                try
                {
                    return await RunAsync(
                        result.GetValue(evidence)!,
                        result.GetValue(prometheusBinary),
                        // Plain lines only when a live view cannot work: output is not a terminal, or one too narrow to hold a row.
                        result.GetValue(plain)
                            || !AnsiConsole.Profile.Capabilities.Interactive
                            || AnsiConsole.Profile.Width < 60,
                        ct
                    );
                }
                catch (InvalidOperationException e) when (e.Message.Contains("not installed", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine($"error: {e.Message}");
                    return ExitCodes.Error;
                }
            }
        );
        return command;
    }

    private sealed class Row(Release release)
    {
        public Release Release { get; } = release;
        public DateTimeOffset? Due { get; set; } = DateTimeOffset.MinValue;
        public bool RollbackRecommended { get; set; }
    }

    private static async Task<int> RunAsync(string evidenceDir, string? binary, bool plain, CancellationToken ct)
    {
        // Prometheus first (scrapes of a not-yet-listening exporter just fail), so the story's first step already has data.
        var exporterPort = LocalPrometheus.FreePort();
        await using var prometheus = await LocalPrometheus.StartAsync(
            [$"127.0.0.1:{exporterPort}"],
            TimeSpan.FromSeconds(1),
            binary: binary,
            cancellationToken: ct
        );
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        var script = new DemoScript(start);
        var runner = new ScenarioRunner(DemoScript.Scenario(), start);
        await using var exporter = MockExporterServer.Build(runner, $"http://127.0.0.1:{exporterPort}");
        await exporter.StartAsync(ct);
        Say(plain, $"mock exporter: http://127.0.0.1:{exporterPort}/metrics (checkout and catalog services)");
        Say(plain, $"prometheus:    {prometheus.Url} (scraping every 1s; its temporary data is removed at the end)");
        Say(
            plain,
            $"story: v1 at +{DemoScript.V1At.TotalSeconds:0}s (healthy), v2 at +{DemoScript.V2At.TotalSeconds:0}s (degrades, rolled back at "
                + $"+{DemoScript.RollbackAt.TotalSeconds:0}s), "
                + $"v3 at +{DemoScript.V3At.TotalSeconds:0}s (healthy, traffic spike on every service from +{DemoScript.SpikeAt.TotalSeconds:0}s); "
                + $"each analysed every {DemoScript.Interval.TotalSeconds:0}s over {DemoScript.Window.TotalSeconds:0}s against the "
                + $"{DemoScript.Window.TotalSeconds:0}s before it, with catalog as control"
        );

        using var client = new PrometheusClient(new PrometheusOptions { Url = prometheus.Url, Timeout = TimeSpan.FromSeconds(10) });
        var analyzer = new ReleaseAnalyzer(new PrometheusReleaseSource(client));
        var rows = script.Releases().Select(r => new Row(r)).ToList();
        // Analyse a moment behind the wall clock so the last step's scrapes have landed.
        var lag = TimeSpan.FromSeconds(2);

        async Task Tick(Action<Row, AnalysisOutcome> report)
        {
            var now = DateTimeOffset.UtcNow - lag;
            foreach (var row in rows.Where(r => r.Due is { } due && due <= now))
            {
                var outcome = await analyzer.AnalyzeAsync(row.Release.Subject, row.Release.State, now, null, ct);
                row.Release.Status = StatusWire.ToWire(outcome.State);
                row.Due = outcome.NextAnalysis;
                row.RollbackRecommended |= outcome.State.Verdict == Verdict.Risky;
                report(row, outcome);
            }
        }

        bool Done() => rows.All(r => r.Due is null);
        var deadline = start + DemoScript.End + TimeSpan.FromSeconds(30);
        if (plain)
        {
            // The story's own events, printed as they happen, so plain output never goes quiet while nothing is analysed.
            var story = new Queue<(TimeSpan At, string What)>([
                (DemoScript.V1At, "checkout v1 ships (healthy)"),
                (DemoScript.V2At, "checkout v2 ships (it will degrade)"),
                (DemoScript.RollbackAt, "v2 is rolled back to v1"),
                (DemoScript.V3At, "checkout v3 ships (healthy)"),
                (DemoScript.SpikeAt, "an outside traffic spike hits every service, catalog (the control) included"),
            ]);
            var waitingSaid = new HashSet<string>();
            while (!Done() && DateTimeOffset.UtcNow < deadline)
            {
                while (story.Count > 0 && DateTimeOffset.UtcNow - start >= story.Peek().At)
                    Console.WriteLine($"[+{story.Peek().At.TotalSeconds, 3:0}s] {story.Dequeue().What}");
                await Tick(
                    (row, o) =>
                    {
                        if (o is AnalysisOutcome.Waiting)
                        {
                            var waiting = row.Release.Status!;
                            if (waitingSaid.Add(row.Release.Metadata.Name + waiting.Phase))
                                Console.WriteLine(
                                    $"[+{(DateTimeOffset.UtcNow - start).TotalSeconds, 3:0}s] {row.Release.Spec.Version}  "
                                        + $"{waiting.Phase}: {waiting.Reasons?.FirstOrDefault()}"
                                );
                            return;
                        }
                        var s = row.Release.Status!;
                        var top = s.Reasons?.FirstOrDefault() ?? "";
                        Console.WriteLine(
                            $"[+{(DateTimeOffset.UtcNow - start).TotalSeconds, 3:0}s] {row.Release.Spec.Version}  "
                                + $"{s.Verdict ?? "(pending)", -19} score {s.RiskScore, 3}  "
                                + $"errors {ReasonText.Value(s.Current?.ErrorRate, MetricUnit.Ratio), 6}  P95 "
                                + $"{ReasonText.Value(s.Current?.LatencyP95, MetricUnit.Seconds), 7}  "
                                + $"{ReasonText.Value(s.Current?.Throughput, MetricUnit.RequestsPerSecond), 10}  {s.Phase, -9} {top}"
                        );
                    }
                );
                await Task.Delay(500, ct);
            }
        }
        else
        {
            IRenderable View() =>
                DemoView.Render(
                    [
                        .. rows.Select(r => new DemoView.Line(
                            r.Release.Metadata.Name,
                            r.Release.Spec.Version ?? "?",
                            r.Release.Status,
                            r.RollbackRecommended
                        )),
                    ],
                    $"+{(DateTimeOffset.UtcNow - start).TotalSeconds:0}s of ~{DemoScript.End.TotalSeconds:0}s · "
                        + $"{runner.Snapshot(DateTimeOffset.UtcNow)[0].Version} serving checkout",
                    AnsiConsole.Profile.Width,
                    AnsiConsole.Profile.Height
                );
            await AnsiConsole
                .Live(View())
                .StartAsync(async ctx =>
                {
                    while (!Done() && DateTimeOffset.UtcNow < deadline)
                    {
                        await Tick((_, _) => { });
                        ctx.UpdateTarget(View());
                        await Task.Delay(500, ct);
                    }
                });
        }

        var releases = rows.Select(r => r.Release).ToList();
        var written = await EvidenceWriter.WriteAsync(evidenceDir, releases, DateTimeOffset.UtcNow, ct);
        Console.WriteLine();
        foreach (var r in releases)
            Console.WriteLine(StatusText.Render(r, r.Status ?? new ReleaseStatus()));
        Console.WriteLine(
            $"evidence: {string.Join(", ", written.Where(w => !w.Contains("/releases/", StringComparison.Ordinal)))} (+ one report per "
                + $"release under {Path.Combine(evidenceDir, "releases")})"
        );

        var verdicts = releases.Select(r => r.Status.VerdictValue).ToList();
        var expected = verdicts[0] == Verdict.Ok && verdicts[1] == Verdict.Risky && verdicts[2] is Verdict.Ok or Verdict.InsufficientData;
        string W(Verdict v) => StatusWire.Word(v);
        Console.WriteLine(
            expected
                ? $"demo: v1 {W(Verdict.Ok)}, v2 {W(Verdict.Risky)} (rollback recommended), v3 not blamed for the traffic spike: as expected."
                : $"demo: unexpected verdicts v1={StatusWire.Classification(releases[0].Status)}, "
                    + $"v2={StatusWire.Classification(releases[1].Status)}, "
                    + $"v3={StatusWire.Classification(releases[2].Status)} (expected {W(Verdict.Ok)}, {W(Verdict.Risky)}, "
                    + $"{W(Verdict.Ok)} or {W(Verdict.InsufficientData)})"
        );
        return expected ? 0 : ExitCodes.Error;
    }

    private static void Say(bool plain, string text)
    {
        if (plain)
            Console.WriteLine(text);
        else
            AnsiConsole.MarkupLine("[grey]" + Markup.Escape(text) + "[/]");
    }
}
