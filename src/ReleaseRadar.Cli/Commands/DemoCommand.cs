using System.CommandLine;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Cli.Demo;
using ReleaseRadar.Cli.Output;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator.Hosting;
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
        var listen = new Option<string?>("--listen")
        {
            Description =
                "Serve the overview, the release views and the read-only API over the demo's releases at this address "
                + "(e.g. 127.0.0.1:8080), during the story and after it until interrupted",
        };
        var command = new Command(
            "demo",
            "Run the end-to-end demo: a good release, a bad one undone and superseded, and its fix during a traffic spike"
        )
        {
            evidence,
            prometheusBinary,
            plain,
            listen,
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
                        result.GetValue(listen),
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

    private static async Task<int> RunAsync(string evidenceDir, string? binary, bool plain, string? listen, CancellationToken ct)
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
            $"story: checkout v1 at +{DemoScript.V1At.TotalSeconds:0}s (healthy), v2 at +{DemoScript.V2At.TotalSeconds:0}s (degrades; "
                + "its rollback: Undo rolls it back once it is judged risky), v3 (the fix) "
                + $"{DemoScript.FixAfterUndo.TotalSeconds:0}s after the undo, with an outside traffic spike on every service; "
                + $"each analysed every {DemoScript.Interval.TotalSeconds:0}s over {DemoScript.Window.TotalSeconds:0}s against the "
                + $"{DemoScript.Window.TotalSeconds:0}s before it, with catalog as control"
        );

        using var client = new PrometheusClient(new PrometheusOptions { Url = prometheus.Url, Timeout = TimeSpan.FromSeconds(10) });
        var story = new DemoStory(script, runner, new ReleaseAnalyzer(new PrometheusReleaseSource(client)));
        // The same site as the operator's, over the story's Releases, with the steps read from the demo's Prometheus.
        await using var site = listen is null
            ? null
            : ReadOnlySite.ForReleases(listen, () => [.. story.Rows.Select(r => r.Release)], client, TimeProvider.System);
        if (site is not null)
        {
            await site.StartAsync(ct);
            Say(plain, $"page:          http://{listen}/ (the overview; each release links to its own view)");
        }
        // Analyse a moment behind the wall clock so the last step's scrapes have landed.
        var lag = TimeSpan.FromSeconds(2);
        string Elapsed() => $"[+{(DateTimeOffset.UtcNow - start).TotalSeconds, 3:0}s]";

        async Task Step(bool print)
        {
            foreach (var said in story.Advance(DateTimeOffset.UtcNow))
                if (print)
                    Console.WriteLine($"{Elapsed()} {said}");
            foreach (var (row, outcome, said) in await story.TickAsync(DateTimeOffset.UtcNow - lag, ct))
                if (print)
                    Console.WriteLine($"{Elapsed()} {row.Version}  {said ?? Line(row.Release.Status!, outcome)}");
        }

        var deadline = start + DemoScript.End + TimeSpan.FromSeconds(30);
        if (plain)
        {
            while (!story.Done && DateTimeOffset.UtcNow < deadline)
            {
                await Step(print: true);
                await Task.Delay(500, ct);
            }
        }
        else
        {
            IRenderable View() =>
                DemoView.Render(
                    [
                        .. story.Rows.Select(r => new DemoView.Line(
                            r.Release.Metadata.Name,
                            r.Version,
                            r.Release.Status,
                            r.State.Verdict == Verdict.Risky
                        )),
                    ],
                    $"+{(DateTimeOffset.UtcNow - start).TotalSeconds:0}s of ~{DemoScript.End.TotalSeconds:0}s · checkout runs {story.Running}",
                    AnsiConsole.Profile.Width,
                    AnsiConsole.Profile.Height
                );
            await AnsiConsole
                .Live(View())
                .StartAsync(async ctx =>
                {
                    while (!story.Done && DateTimeOffset.UtcNow < deadline)
                    {
                        await Step(print: false);
                        ctx.UpdateTarget(View());
                        await Task.Delay(500, ct);
                    }
                });
        }

        var releases = story.Rows.Select(r => r.Release).ToList();
        var written = await EvidenceWriter.WriteAsync(evidenceDir, releases, DateTimeOffset.UtcNow, AnalysisDefaults.None, ct);
        Console.WriteLine();
        foreach (var r in releases)
            Console.WriteLine(StatusText.Render(r, r.Status ?? new ReleaseStatus()));
        Console.WriteLine(
            $"evidence: {string.Join(", ", written.Where(w => !w.Contains("/releases/", StringComparison.Ordinal)))} (+ one report per "
                + $"release under {Path.Combine(evidenceDir, "releases")})"
        );

        var problems = Expected(story.Rows);
        string W(Verdict v) => StatusWire.Word(v);
        Console.WriteLine(
            problems.Count == 0
                ? $"demo: v1 {W(Verdict.Ok)}; v2 {W(Verdict.Risky)}, undone and superseded; v3 judged against v1's window, "
                    + "not blamed for the traffic spike: as expected."
                : $"demo: not as expected: {string.Join("; ", problems)}"
        );
        if (site is not null)
        {
            Console.WriteLine($"serving http://{listen}/ until interrupted (Ctrl-C)");
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        return problems.Count == 0 ? 0 : ExitCodes.Error;
    }

    /// <summary>What the story promises, checked on the statuses it ended with: the demo doubles as a smoke test.</summary>
    private static List<string> Expected(IReadOnlyList<DemoStory.Row> rows)
    {
        var problems = new List<string>();
        if (rows.Count != 3)
            return [$"{rows.Count} of 3 versions shipped"];
        var (v1, v2, v3) = (rows[0].State, rows[1].State, rows[2].State);
        string W(Verdict? v) => v is { } x ? StatusWire.Word(x) : "no verdict";
        if (v1 is not { Verdict: Verdict.Ok, Phase: ReleasePhase.Completed })
            problems.Add($"v1 {W(v1.Verdict)} ({v1.Phase}), expected {W(Verdict.Ok)} (Completed)");
        if (v2 is not { Verdict: Verdict.Risky, Phase: ReleasePhase.Superseded } || !v2.Actions.Any(a => a.Action == ReleaseAction.Undo))
            problems.Add($"v2 {W(v2.Verdict)} ({v2.Phase}, {v2.Actions.Length} actions), expected {W(Verdict.Risky)}, undone and Superseded");
        if (v3.Verdict is not (Verdict.Ok or Verdict.InsufficientData) || v3.BaselineSource != BaselineSource.LastGoodRelease)
            problems.Add(
                $"v3 {W(v3.Verdict)} with baseline from {v3.BaselineSource}, expected {W(Verdict.Ok)} or {W(Verdict.InsufficientData)} "
                    + $"with baseline from {BaselineSource.LastGoodRelease}"
            );
        return problems;
    }

    private static string Line(ReleaseStatus s, AnalysisOutcome? outcome) =>
        outcome is AnalysisOutcome.Waiting
            ? $"{s.Phase}: {s.Reasons?.FirstOrDefault()}"
            : $"{s.Verdict ?? "(pending)", -19} score {s.RiskScore, 3}  "
                + $"errors {ReasonText.Value(s.Current?.ErrorRate, MetricUnit.Ratio), 6}  P95 "
                + $"{ReasonText.Value(s.Current?.LatencyP95, MetricUnit.Seconds), 7}  "
                + $"{ReasonText.Value(s.Current?.Throughput, MetricUnit.RequestsPerSecond), 10}  {s.Phase, -9} {s.Reasons?.FirstOrDefault()}";

    private static void Say(bool plain, string text)
    {
        if (plain)
            Console.WriteLine(text);
        else
            AnsiConsole.MarkupLine("[grey]" + Markup.Escape(text) + "[/]");
    }
}
