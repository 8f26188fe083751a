using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Engine;
using ReleaseRadar.Engine.Statistics;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Benchmarks;

/// <summary>
/// What one method concluded for one scenario: its final verdict, whether it said risky at any analysis during the
/// window, and when it first did.
/// </summary>
/// <param name="FirstRiesgoso">Time after the deploy of the first risky, if any.</param>
/// <param name="OkMinutes">Times after the deploy at which it said OK (Release Radar only: the rules keep no timeline).</param>
public sealed record Prediction(
    string Method,
    string Verdict,
    int? Score,
    bool EverRiesgoso,
    double? FirstRiesgosoMinutes,
    IReadOnlyList<double>? OkMinutes = null
);

public sealed record ScenarioResult(
    string Id,
    string Category,
    bool IsRegression,
    bool InsufficientDataAcceptable,
    bool RefusalExpected,
    string Description,
    double OnsetMinutes,
    double DetectableFromMinutes,
    IReadOnlyList<Prediction> Predictions,
    IReadOnlyList<string> Timeline,
    double AnalyzeSeconds
);

/// <summary>
/// Backfills the labelled corpus into a real Prometheus, runs `releaseradar analyze` on each scenario (as a CI gate would),
/// evaluates two reference rules on the same data at every analysis, and reports precision, recall, F1, the
/// false-positive rate (final, and at any analysis during the window) and the time from a regression's onset to its
/// first risky.
/// </summary>
public static class DetectionBenchmark
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public const string ReleaseRadar = "Release Radar";
    public const string Flagger = "Static thresholds (Flagger-style)";
    public const string Ratio = "Before/after ratio";

    /// <param name="inProcess">Replay in this process instead of running the CLI per scenario: same analysis, faster, for tuning.</param>
    /// <param name="explain">Print the reasons behind every risky analysis of a scenario the method got wrong.</param>
    public static async Task<int> RunAsync(
        string outputDirectory,
        int parallelism,
        bool inProcess,
        string? only,
        bool explain,
        int seed,
        CancellationToken ct
    )
    {
        var results = await RunCorpusAsync(seed, parallelism, inProcess, only, explain, ct);
        Directory.CreateDirectory(outputDirectory);
        var report = Report([.. results], inProcess, seed);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "results.md"), report, ct);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "results.json"), JsonSerializer.Serialize(results, IndentedJson), ct);
        Console.WriteLine(report);
        return 0;
    }

    /// <summary>
    /// The same categories drawn from other seeds: corpora the engine was not tuned on. Writes one summary row per seed and
    /// the totals, with every mistake listed, into other-seeds.md.
    /// </summary>
    public static async Task<int> RunSeedsAsync(string outputDirectory, IReadOnlyList<int> seeds, int parallelism, CancellationToken ct)
    {
        var sb = new StringBuilder("# Detection quality on corpora the engine was not tuned on\n\n");
        sb.Append($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {MachineInfo.Describe()}. The same {Corpus.Generate().Count} scenarios per corpus as ");
        sb.Append("[results.md](results.md), drawn from other seeds, analysed by the same replay as `releaseradar analyze` in one process. ");
        sb.Append("The engine was tuned on seed 20261123 only.\n\n");
        sb.Append(
            $"| Seed | Precision | Recall | Healthy {StatusWire.Word(Verdict.Risky)} at the end | Healthy "
                + $"{StatusWire.Word(Verdict.Risky)} at any analysis | Onset → {StatusWire.Word(Verdict.Risky)}, median / p95 "
                + $"|\n|---|---|---|---|---|---|\n"
        );
        var all = new List<ScenarioResult>();
        var mistakes = new List<string>();
        foreach (var seed in seeds)
        {
            var results = await RunCorpusAsync(seed, parallelism, inProcess: true, only: null, explain: false, ct);
            all.AddRange(results);
            sb.Append(CultureInfo.InvariantCulture, $"| {seed} | {Row(results)} |\n");
            mistakes.AddRange(Mistakes(results).Select(m => $"- seed {seed}, {Describe(m)}"));
        }
        sb.Append(CultureInfo.InvariantCulture, $"| all {seeds.Count} | {Row(all)} |\n\n## Mistakes\n\n");
        sb.Append(mistakes.Count == 0 ? "None.\n" : string.Join("\n", mistakes) + "\n");
        Directory.CreateDirectory(outputDirectory);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "other-seeds.md"), sb.ToString(), ct);
        Console.WriteLine(sb);
        return 0;

        static string Row(IReadOnlyList<ScenarioResult> results)
        {
            var (tp, fp, _, fn, _) = Confusion(results, ReleaseRadar);
            var healthy = results.Where(r => !r.IsRegression).ToList();
            var delays = Delays(results, ReleaseRadar);
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{(tp + fp == 0 ? 0 : tp / (double)(tp + fp)):0.000} | {(tp + fn == 0 ? 0 : tp / (double)(tp + fn)):0.000} | {fp}/{healthy.Count} | "
                    + $"{healthy.Count(r => Of(r, ReleaseRadar).EverRiesgoso)}/{healthy.Count} | {Quantile(delays, 0.5):0.#} / "
                    + $"{Quantile(delays, 0.95):0.#} min"
            );
        }
    }

    private static async Task<ScenarioResult[]> RunCorpusAsync(
        int seed,
        int parallelism,
        bool inProcess,
        string? only,
        bool explain,
        CancellationToken ct
    )
    {
        var corpus = Corpus.Generate(seed).Where(s => only is null || s.Category.Contains(only, StringComparison.Ordinal)).ToList();
        Console.Error.WriteLine($"corpus (seed {seed}): {corpus.Count} scenarios ({corpus.Count(s => s.IsRegression)} regressions)");
        var work = Directory.CreateTempSubdirectory("rr-bench-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var writer = new OpenMetricsHistoryWriter();
            foreach (var s in corpus)
                writer.Simulate(
                    new ScenarioRunner(s.File, Corpus.Start),
                    Corpus.Start + s.ScrapeOffset,
                    Corpus.Start + Corpus.Span,
                    TimeSpan.FromSeconds(15)
                );
            await using var prometheus = await BackfilledCorpus.StartAsync(work, writer, clock, ct);
            using var client = new PrometheusClient(new PrometheusOptions { Url = prometheus.Url });
            var source = new PrometheusReleaseSource(client);

            var results = new ScenarioResult[corpus.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, corpus.Count),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
                async (i, token) =>
                {
                    var s = corpus[i];
                    var yaml = ReleaseYaml(s);
                    var end = s.DeclaredDeploy + s.Window;
                    var sw = Stopwatch.StartNew();
                    var status = inProcess
                        ? (await new ReleaseAnalyzer(source).ReplayAsync(ManifestReader.ReadReleases(yaml).Single(), end, null, token)).Status
                        : await AnalyzeCliAsync(Path.Combine(work, s.Id + ".yaml"), yaml, prometheus.Url, end, token);
                    var seconds = sw.Elapsed.TotalSeconds;

                    var plan = ReleasePlanner.Plan(ManifestReader.ReadReleases(yaml).Single().Subject).Plan!;
                    var times = AnalysisSchedule.AnalysisTimes(plan, end).ToList();
                    Prediction[] rules;
                    try
                    {
                        var whole = await source.FetchAsync(plan, AnalysisSchedule.At(plan, end), token);
                        rules = [FlaggerRule(whole), RatioRule(whole, times)];
                    }
                    catch (MetricSourceException e)
                    {
                        // The data cannot be read as the Release describes it (a wrong label): the rules refuse it too.
                        rules =
                        [
                            new Prediction(Flagger, "ERROR: " + e.Reason, null, false, null),
                            new Prediction(Ratio, "ERROR: " + e.Reason, null, false, null),
                        ];
                    }
                    results[i] = new ScenarioResult(
                        s.Id,
                        s.Category,
                        s.IsRegression,
                        s.InsufficientDataAcceptable,
                        s.RefusalExpected,
                        s.Description,
                        s.Onset.TotalMinutes,
                        // A regression can be caught once it acts and the warm-up after the declared deploy is over; with a late
                        // deploy time it already acted before, and the delay counts from the real rollout.
                        s.DeployedLate > TimeSpan.Zero
                            ? s.Onset.TotalMinutes
                            : Math.Max(s.Onset.TotalMinutes, s.Warmup.TotalMinutes),
                        [Radar(status), .. rules],
                        [.. (status.History ?? []).Select(h => $"{h.Elapsed} {h.Verdict ?? "-"}")],
                        seconds
                    );
                    var r = results[i];
                    Console.Error.WriteLine(
                        $"{s.Id} {s.Category, -24} expected {(s.IsRegression ? "regression" : "healthy"), -10} → {r.Predictions[0].Verdict, -19}"
                            + $"{(r.Predictions[0].EverRiesgoso && !s.IsRegression ? " (risky during the window!)" : "")} "
                            + $"flagger {r.Predictions[1].Verdict, -9} ratio {r.Predictions[2].Verdict}"
                    );
                }
            );

            if (explain)
                foreach (var m in Mistakes(results))
                    await ExplainAsync(corpus.Single(s => s.Id == m.Id), source, ct);
            return results;
        }
        finally
        {
            try
            {
                Directory.Delete(work, true);
            }
            catch (IOException) { }
        }
    }

    /// <summary>
    /// Regressions not called risky (unless honestly not-enough-data where that is acceptable), regressions called OK at
    /// an analysis after they began, and healthy releases risky at any analysis. Where the data must be refused (a wrong
    /// label), any OK is the mistake.
    /// </summary>
    private static List<ScenarioResult> Mistakes(IEnumerable<ScenarioResult> results) =>
        [
            .. results.Where(r =>
                r.RefusalExpected
                    ? Of(r, ReleaseRadar).Verdict == StatusWire.Word(Verdict.Ok)
                        || OkAfterOnset(r) > 0
                        || !r.IsRegression && Of(r, ReleaseRadar).EverRiesgoso
                : r.IsRegression
                    ? Of(r, ReleaseRadar).Verdict != StatusWire.Word(Verdict.Risky)
                        && !(r.InsufficientDataAcceptable && Of(r, ReleaseRadar).Verdict == StatusWire.Word(Verdict.InsufficientData))
                        || OkAfterOnset(r) > 0
                : Of(r, ReleaseRadar).EverRiesgoso
            ),
        ];

    /// <summary>
    /// How many of a regression's analyses said OK once it could be judged: none is the only right number. A regression that
    /// begins late in the window (a leak) is left out: its first minutes are the detection delay, which is measured apart.
    /// </summary>
    private static int OkAfterOnset(ScenarioResult r) =>
        !r.IsRegression && !r.RefusalExpected || r.OnsetMinutes > 0
            ? 0
            : (Of(r, ReleaseRadar).OkMinutes ?? []).Count(m => m > r.DetectableFromMinutes);

    private static string Describe(ScenarioResult m) =>
        $"{m.Id} ({m.Category}: {m.Description}): {Of(m, ReleaseRadar).Verdict}; timeline {string.Join(", ", m.Timeline)}";

    private static async Task ExplainAsync(Scenario s, IReleaseMetricSource source, CancellationToken ct)
    {
        var release = ManifestReader.ReadReleases(ReleaseYaml(s)).Single();
        var analyzer = new ReleaseAnalyzer(source);
        var plan = ReleasePlanner.Plan(release.Subject).Plan!;
        Console.Error.WriteLine($"== {s.Id} {s.Category}: {s.Description}");
        foreach (var t in AnalysisSchedule.AnalysisTimes(plan, s.DeclaredDeploy + s.Window))
        {
            var outcome = await analyzer.AnalyzeAsync(release, t, null, ct);
            release.Status = outcome.Status;
            var judged = (outcome as AnalysisOutcome.Analyzed)?.Result;
            if (judged is { Assessment: Assessment.Risky or Assessment.Critical } or null && !s.IsRegression || s.IsRegression)
                Console.Error.WriteLine(
                    $"  {(t - Corpus.Deploy).TotalMinutes, 3:0}m {judged?.Assessment} {outcome.Status.Verdict} "
                        + $"score {judged?.RiskScore}: {string.Join(" | ", outcome.Status.Reasons?.Take(3) ?? [])}"
                );
        }
    }

    private static string ReleaseYaml(Scenario s) =>
        $"""
            apiVersion: releaseradar.io/v1alpha1
            kind: Release
            metadata:
              name: {s.Id}
              namespace: bench
            spec:
              version: v2
              deployedAt: "{Rfc3339.Format(s.DeclaredDeploy)}"
              selector:
                service: checkout
                scenario: {s.Id}
            {(
                s.CanaryShare is null
                    ? ""
                    : $"    version: v2\n  baseline:\n    selector:\n      service: checkout\n      scenario: {s.Id}\n      version: v1\n"
            )}{(s.UsesControl ? $"  control:\n    selector:\n      service: catalog\n      scenario: {s.Id}\n" : "")}{s.Timings ?? ""}
            """;

    private static async Task<ReleaseStatus> AnalyzeCliAsync(string file, string yaml, Uri prometheus, DateTimeOffset at, CancellationToken ct)
    {
        await File.WriteAllTextAsync(file, yaml, ct);
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (
            var a in new[]
            {
                Path.Combine(AppContext.BaseDirectory, "releaseradar.dll"),
                "analyze",
                "-f",
                file,
                "--prometheus",
                prometheus.ToString(),
                "--at",
                Rfc3339.Format(at),
                "-o",
                "json",
            }
        )
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode == 1)
            return new ReleaseStatus { Verdict = "ERROR: " + stderr.Trim() };
        return JsonSerializer.Deserialize<ReleaseStatus>(await stdout, WebJson)!;
    }

    private static Prediction Radar(ReleaseStatus status)
    {
        var first = (status.History ?? []).FirstOrDefault(h => h.Verdict == StatusWire.Word(Verdict.Risky));
        return new Prediction(
            ReleaseRadar,
            status.Verdict ?? "none",
            status.RiskScore,
            first is not null,
            first?.Time is { } t && Rfc3339.TryParse(t, out var time) ? (time - Corpus.Deploy).TotalMinutes : null,
            [
                .. (status.History ?? [])
                    .Where(h => h.Verdict == StatusWire.Word(Verdict.Ok) && h.At is not null)
                    .Select(h => (h.At!.Value - Corpus.Deploy).TotalMinutes),
            ]
        );
    }

    /// <summary>
    /// Flagger's built-in checks at their documented defaults, one check a minute: request success rate at least 99 %
    /// (non-5xx) and P99 at most 500 ms. Five failed checks fail the analysis (and Flagger rolls back at that moment). A
    /// check without data fails, as in Flagger.
    /// </summary>
    internal static Prediction FlaggerRule(AnalysisInput input)
    {
        var failed = 0;
        for (var i = 0; i < input.Current.ExpectedSteps; i++)
        {
            var time = input.Current.Start + input.Current.Step * (i + 1);
            var step = input.Current.Steps.FirstOrDefault(s => s.Time == time);
            var p99 = step?.Latency is { } h ? HistogramQuantile.Quantile(0.99, h) : double.NaN;
            if (step is null || step.Requests <= 0 || step.ServerErrors / step.Requests > 0.01 || !(p99 <= 0.5))
                failed++;
            if (failed >= 5)
                return new Prediction(Flagger, StatusWire.Word(Verdict.Risky), null, true, (time - Corpus.Deploy).TotalMinutes);
        }
        return new Prediction(Flagger, "OK", null, false, null);
    }

    /// <summary>
    /// The plain before/after comparison many home-grown gates use: error rate 1.5× or P95 1.2× the baseline's, applied at
    /// every analysis to the window so far, as a gate polling it would.
    /// </summary>
    internal static Prediction RatioRule(AnalysisInput input, IReadOnlyList<DateTimeOffset> times)
    {
        var before = WindowStatistics.Summarize(input.Baseline);
        string Judge(TrafficWindow w)
        {
            var now = WindowStatistics.Summarize(w);
            if (now.Requests <= 0 || before.Requests <= 0)
                return "OK";
            var errors = now.ErrorRate > 1.5 * before.ErrorRate && now.ErrorRate > 0;
            var latency = now.LatencyP95 > 1.2 * before.LatencyP95;
            return errors || latency ? StatusWire.Word(Verdict.Risky) : "OK";
        }
        double? first = null;
        foreach (var t in times)
        {
            var upTo = input.Current with { End = t, Steps = [.. input.Current.Steps.Where(s => s.Time <= t)] };
            if (Judge(upTo) == StatusWire.Word(Verdict.Risky))
            {
                first = (t - Corpus.Deploy).TotalMinutes;
                break;
            }
        }
        return new Prediction(Ratio, Judge(input.Current), null, first is not null, first);
    }

    private static string Report(List<ScenarioResult> results, bool inProcess, int seed)
    {
        var sb = new StringBuilder();
        var regressions = results.Count(r => r.IsRegression);
        sb.Append("# Detection quality\n\n");
        sb.Append($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {MachineInfo.Describe()}.\n\n");
        sb.Append(
            $"{results.Count} labelled scenarios ({regressions} regressions, {results.Count - regressions} healthy), generated from seed {seed}, "
        );
        sb.Append(
            "backfilled into a real Prometheus with `promtool tsdb create-blocks-from openmetrics` (15 s scrapes, each scenario's at its own "
                + "offset in the interval, as a real server spreads its targets), and analysed every "
                + "minute for 30 minutes after the deploy "
        );
        sb.Append(
            inProcess
                ? "by the same replay as `releaseradar analyze`, in one process (a tuning run)"
                : "through `releaseradar analyze` (one process per scenario, as a CI gate runs it)"
        );
        sb.Append(
            $" with default settings. A positive is a {StatusWire.Word(Verdict.Risky)} verdict; "
                + $"{StatusWire.Word(Verdict.InsufficientData)} counts as not flagged.\n\n"
        );
        sb.Append(
            $"- **FPR (final)**: healthy releases whose final verdict is {StatusWire.Word(Verdict.Risky)}. **FPR (any analysis)**: "
                + $"healthy releases that showed {StatusWire.Word(Verdict.Risky)} at *any* "
        );
        sb.Append("analysis during the window; with `rollback: Undo` that moment rolls a healthy release back, so this is the one that counts.\n");
        sb.Append(
            $"- **Onset → {StatusWire.Word(Verdict.Risky)}**: minutes from the start of a regression to the first "
                + $"{StatusWire.Word(Verdict.Risky)}, over the regressions the method caught. The start is the "
        );
        sb.Append(
            "onset for late regressions, and the end of the 2-minute warm-up for regressions present from the deploy (nothing is judged before it). "
        );
        sb.Append("One interval is one minute.\n\n");
        sb.Append(
            $"| Method | Precision | Recall | F1 | FPR (final) | FPR (any analysis) | Onset → {StatusWire.Word(Verdict.Risky)}, median / "
                + $"p95 | TP | FP | TN | FN | Not enough data |\n"
        );
        sb.Append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var method in new[] { ReleaseRadar, Flagger, Ratio })
        {
            var (tp, fp, tn, fn, insufficient) = Confusion(results, method);
            double precision = tp + fp == 0 ? 0 : tp / (double)(tp + fp);
            double recall = tp + fn == 0 ? 0 : tp / (double)(tp + fn);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            double fpr = fp + tn == 0 ? 0 : fp / (double)(fp + tn);
            var healthy = results.Where(r => !r.IsRegression).ToList();
            var fprAny = healthy.Count == 0 ? 0 : healthy.Count(r => Of(r, method).EverRiesgoso) / (double)healthy.Count;
            var delays = Delays(results, method);
            sb.Append(
                CultureInfo.InvariantCulture,
                $"| {method} | {precision:0.000} | {recall:0.000} | {f1:0.000} | {fpr:0.000} | {fprAny:0.000} | {Quantile(delays, 0.5):0.#} "
                    + $"/ {Quantile(delays, 0.95):0.#} min | {tp} | {fp} | {tn} | {fn} | {insufficient} |\n"
            );
        }

        sb.Append(
            $"\n## By category\n\nEach cell: scenarios flagged {StatusWire.Word(Verdict.Risky)} at the end / scenarios in the category. "
                + $"For healthy categories, a `!` count is "
        );
        sb.Append(
            $"how many showed {StatusWire.Word(Verdict.Risky)} at some analysis during the window; for regressions, the median minutes "
                + $"from onset to the first {StatusWire.Word(Verdict.Risky)} "
        );
        sb.Append(
            $"(a {StatusWire.Word(Verdict.Risky)} before a late regression began is counted apart: it was a false alarm that happened to "
                + $"be right). "
        );
        sb.Append(
            $"Release Radar also shows how many it called {StatusWire.Word(Verdict.InsufficientData)} (honest for categories marked *: the "
                + $"data cannot support a verdict).\n\n"
        );
        sb.Append("| Category | Regression? | Release Radar | Flagger-style | Ratio rule |\n|---|---|---|---|---|\n");
        foreach (var g in results.GroupBy(r => (r.Category, r.IsRegression, r.InsufficientDataAcceptable, r.RefusalExpected)))
        {
            string Cell(string m)
            {
                var list = g.ToList();
                var text = $"{list.Count(r => Of(r, m).Verdict == StatusWire.Word(Verdict.Risky))}/{list.Count}";
                if (!g.Key.IsRegression && list.Count(r => Of(r, m).EverRiesgoso) is > 0 and var ever)
                    text += $" ({ever}! during)";
                if (g.Key.IsRegression && Delays(list, m) is { Count: > 0 } d)
                {
                    // Flagging a regression before it began is a false alarm that happened to be right, not a fast detection.
                    var early = d.Count(x => x < 0);
                    var after = d.Where(x => x >= 0).ToList();
                    if (after.Count > 0)
                        text += string.Create(CultureInfo.InvariantCulture, $", {Quantile(after, 0.5):0.#} min");
                    if (early > 0)
                        text += $" ({early} before the onset)";
                }
                if (m == ReleaseRadar && list.Count(r => Of(r, m).Verdict == StatusWire.Word(Verdict.InsufficientData)) is > 0 and var insufficient)
                    text += $" ({insufficient} insufficient)";
                if (m == ReleaseRadar && list.Count(r => OkAfterOnset(r) > 0) is > 0 and var okAfter)
                    text += $" ({okAfter} said OK after the onset)";
                if (m == ReleaseRadar && g.Key.RefusalExpected)
                    text += $" ({list.Count(r => StatusWire.ParseVerdict(Of(r, m).Verdict) is null)} refused the data)";
                return text;
            }
            var mark =
                g.Key.InsufficientDataAcceptable ? "*"
                : g.Key.RefusalExpected ? "†"
                : "";
            sb.Append(
                $"| {g.Key.Category}{mark} | {(g.Key.IsRegression ? "yes" : "no")} | {Cell(ReleaseRadar)} | {Cell(Flagger)} | {Cell(Ratio)} |\n"
            );
        }

        var misses = Mistakes(results);
        sb.Append("\n## Release Radar's mistakes\n\n");
        if (misses.Count == 0)
            sb.Append($"None: no regression called OK, no healthy release {StatusWire.Word(Verdict.Risky)} at any analysis.\n");
        foreach (var m in misses)
            sb.Append("- ").Append(Describe(m)).Append('\n');
        var seconds = results.Select(r => r.AnalyzeSeconds).Order().ToList();
        sb.Append(
            CultureInfo.InvariantCulture,
            $"\n`releaseradar analyze` per scenario ({(inProcess ? "in-process replay" : "process start")}, 28 replayed analyses, 2–4 range "
                + $"queries each): "
        );
        sb.Append(CultureInfo.InvariantCulture, $"median {seconds[seconds.Count / 2]:0.00} s, max {seconds[^1]:0.00} s, two at a time.\n");
        return sb.ToString();
    }

    private static Prediction Of(ScenarioResult r, string method) => r.Predictions.First(p => p.Method == method);

    /// <summary>Minutes from each caught regression's start (its onset, or the end of the warm-up) to its first risky.</summary>
    private static List<double> Delays(IEnumerable<ScenarioResult> results, string method) =>
        [
            .. results
                .Where(r => r.IsRegression && Of(r, method).FirstRiesgosoMinutes is not null)
                .Select(r => Of(r, method).FirstRiesgosoMinutes!.Value - r.DetectableFromMinutes)
                .Order(),
        ];

    private static double Quantile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static (int Tp, int Fp, int Tn, int Fn, int Insufficient) Confusion(IReadOnlyList<ScenarioResult> results, string method)
    {
        int tp = 0,
            fp = 0,
            tn = 0,
            fn = 0,
            insufficient = 0;
        // A refusal is the right answer to data of the wrong shape: those scenarios are reported on their own, not as misses.
        foreach (var r in results.Where(r => !r.RefusalExpected))
        {
            var v = Of(r, method).Verdict;
            if (v == StatusWire.Word(Verdict.InsufficientData))
                insufficient++;
            var flagged = v == StatusWire.Word(Verdict.Risky);
            if (r.IsRegression && flagged)
                tp++;
            else if (r.IsRegression)
                fn++;
            else if (flagged)
                fp++;
            else
                tn++;
        }
        return (tp, fp, tn, fn, insufficient);
    }
}
