using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Engine;
using ReleaseRadar.Engine.Statistics;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Prometheus.Local;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Benchmarks;

/// <summary>What one method concluded for one scenario.</summary>
public sealed record Prediction(string Method, string Verdict, int? Score);

public sealed record ScenarioResult(string Id, string Category, bool IsRegression, bool InsufficientDataAcceptable, string Description,
    IReadOnlyList<Prediction> Predictions, double AnalyzeSeconds);

/// <summary>
/// Backfills the labelled corpus into a real Prometheus, runs `releaseradar analyze` on each scenario (as a CI gate would),
/// evaluates two reference rules on the same data, and reports precision, recall, F1 and false-positive rate.
/// </summary>
public static class DetectionBenchmark
{
    public const string ReleaseRadar = "Release Radar";
    public const string Flagger = "Static thresholds (Flagger-style)";
    public const string Ratio = "Before/after ratio";

    public static async Task<int> RunAsync(string outputDirectory, int parallelism, CancellationToken ct)
    {
        var corpus = Corpus.Generate();
        Console.Error.WriteLine($"corpus: {corpus.Count} scenarios ({corpus.Count(s => s.IsRegression)} regressions)");
        var work = Directory.CreateTempSubdirectory("rr-bench-").FullName;
        var clock = Stopwatch.StartNew();
        var writer = new OpenMetricsHistoryWriter();
        foreach (var s in corpus) writer.Simulate(new ScenarioRunner(s.File, Corpus.Start), Corpus.Start, Corpus.Start + Corpus.Span, TimeSpan.FromSeconds(15));
        var om = Path.Combine(work, "corpus.om");
        await using (var text = File.CreateText(om)) writer.Write(text);
        Console.Error.WriteLine($"simulated history: {new FileInfo(om).Length / 1e6:0} MB of OpenMetrics in {clock.Elapsed.TotalSeconds:0}s");
        clock.Restart();
        var data = Path.Combine(work, "data");
        await LocalPrometheus.BackfillAsync(om, data, ct);
        File.Delete(om);
        Console.Error.WriteLine($"promtool backfill: {clock.Elapsed.TotalSeconds:0}s");
        await using var prometheus = await LocalPrometheus.StartAsync([], TimeSpan.FromSeconds(15), data, cancellationToken: ct);
        using var client = new PrometheusClient(new PrometheusOptions { Url = prometheus.Url });
        var source = new PrometheusReleaseSource(client);

        var at = Corpus.Deploy + TimeSpan.FromMinutes(30);
        var results = new ScenarioResult[corpus.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, corpus.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (i, token) =>
        {
            var s = corpus[i];
            var yaml = ReleaseYaml(s);
            var file = Path.Combine(work, s.Id + ".yaml");
            await File.WriteAllTextAsync(file, yaml, token);
            var sw = Stopwatch.StartNew();
            var (verdict, score) = await AnalyzeCliAsync(file, prometheus.Url, at, token);
            var seconds = sw.Elapsed.TotalSeconds;

            var release = ManifestReader.ReadReleases(yaml).Single();
            var plan = ReleasePlanner.Plan(release).Plan!;
            var input = await source.FetchAsync(plan, AnalysisSchedule.At(plan, at), token);
            results[i] = new ScenarioResult(s.Id, s.Category, s.IsRegression, s.InsufficientDataAcceptable, s.Description,
                [new(ReleaseRadar, verdict, score), new(Flagger, FlaggerRule(input), null), new(Ratio, RatioRule(input), null)], seconds);
            Console.Error.WriteLine($"{s.Id} {s.Category,-24} expected {(s.IsRegression ? "regression" : "healthy"),-10} → {verdict,-19} flagger {results[i].Predictions[1].Verdict,-9} ratio {results[i].Predictions[2].Verdict}");
        });

        Directory.CreateDirectory(outputDirectory);
        var report = Report(results, corpus.Count);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "results.md"), report, ct);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "results.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }), ct);
        Console.WriteLine(report);
        try { Directory.Delete(work, true); } catch (IOException) { }
        return 0;
    }

    private static string ReleaseYaml(Scenario s) => $"""
        apiVersion: releaseradar.io/v1alpha1
        kind: Release
        metadata:
          name: {s.Id}
          namespace: bench
        spec:
          version: v2
          deployedAt: "{Rfc3339.Format(Corpus.Deploy)}"
          selector:
            service: checkout
            scenario: {s.Id}
        {(s.UsesControl ? $"  control:\n    selector:\n      service: catalog\n      scenario: {s.Id}\n" : "")}
        """;

    private static async Task<(string Verdict, int? Score)> AnalyzeCliAsync(string file, Uri prometheus, DateTimeOffset at, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "releaseradar.dll"), "analyze", "-f", file, "--prometheus", prometheus.ToString(), "--at", Rfc3339.Format(at), "-o", "json" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = await p.StandardOutput.ReadToEndAsync(ct);
        var stderr = await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode == 1) return ("ERROR: " + stderr.Trim(), null);
        using var json = JsonDocument.Parse(stdout);
        var verdict = json.RootElement.TryGetProperty("verdict", out var v) ? v.GetString() ?? "none" : "none";
        int? score = json.RootElement.TryGetProperty("riskScore", out var sc) ? sc.GetInt32() : null;
        return (verdict, score);
    }

    /// <summary>
    /// Flagger's built-in checks at their documented defaults, per one-minute check: request success rate at least 99 %
    /// (non-5xx) and P99 at most 500 ms; five failed checks fail the analysis. A check without data fails, as in Flagger.
    /// </summary>
    internal static string FlaggerRule(AnalysisInput input)
    {
        var failed = 0;
        for (var i = 0; i < input.Current.ExpectedSteps; i++)
        {
            var time = input.Current.Start + input.Current.Step * (i + 1);
            var step = input.Current.Steps.FirstOrDefault(s => s.Time == time);
            if (step is null || step.Requests <= 0) { failed++; continue; }
            var p99 = step.Latency is { } h ? HistogramQuantile.Quantile(0.99, h) : double.NaN;
            if (step.ServerErrors / step.Requests > 0.01 || !(p99 <= 0.5)) failed++;
        }
        return failed >= 5 ? "RIESGOSO" : "OK";
    }

    /// <summary>The plain before/after comparison many home-grown gates use: error rate 1.5× or P95 1.2× the baseline's.</summary>
    internal static string RatioRule(AnalysisInput input)
    {
        var now = WindowStatistics.Summarize(input.Current);
        var before = WindowStatistics.Summarize(input.Baseline);
        if (now.Requests <= 0 || before.Requests <= 0) return "OK";
        var errors = now.ErrorRate > 1.5 * before.ErrorRate && now.ErrorRate > 0;
        var latency = now.LatencyP95 > 1.2 * before.LatencyP95;
        return errors || latency ? "RIESGOSO" : "OK";
    }

    private static string Report(IReadOnlyList<ScenarioResult> results, int count)
    {
        var sb = new StringBuilder();
        sb.Append("# Detection quality\n\n");
        sb.Append($"Measured {DateTime.UtcNow:yyyy-MM-dd} on {MachineInfo.Describe()}.\n\n");
        sb.Append($"{count} labelled scenarios ({results.Count(r => r.IsRegression)} regressions, {results.Count(r => !r.IsRegression)} healthy), generated from seed 20261123, ");
        sb.Append("backfilled into a real Prometheus with `promtool tsdb create-blocks-from openmetrics` (15 s scrapes), and analysed 30 minutes after the deploy ");
        sb.Append("through `releaseradar analyze` with default settings. A positive is a RIESGOSO verdict; DATOS_INSUFICIENTES counts as not flagged.\n\n");
        sb.Append("| Method | Precision | Recall | F1 | False-positive rate | TP | FP | TN | FN | Not enough data |\n|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var method in new[] { ReleaseRadar, Flagger, Ratio })
        {
            var (tp, fp, tn, fn, insufficient) = Confusion(results, method);
            double precision = tp + fp == 0 ? 0 : tp / (double)(tp + fp);
            double recall = tp + fn == 0 ? 0 : tp / (double)(tp + fn);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            double fpr = fp + tn == 0 ? 0 : fp / (double)(fp + tn);
            sb.Append(CultureInfo.InvariantCulture, $"| {method} | {precision:0.000} | {recall:0.000} | {f1:0.000} | {fpr:0.000} | {tp} | {fp} | {tn} | {fn} | {insufficient} |\n");
        }
        sb.Append("\n## By category\n\nEach cell: scenarios flagged RIESGOSO / scenarios in the category (Release Radar also shows how many it called DATOS_INSUFICIENTES).\n\n");
        sb.Append("| Category | Regression? | Release Radar | Flagger-style | Ratio rule |\n|---|---|---|---|---|\n");
        foreach (var g in results.GroupBy(r => (r.Category, r.IsRegression)))
        {
            string Cell(string m) => $"{g.Count(r => Verdict(r, m) == "RIESGOSO")}/{g.Count()}";
            var insufficient = g.Count(r => Verdict(r, ReleaseRadar) == "DATOS_INSUFICIENTES");
            sb.Append($"| {g.Key.Category} | {(g.Key.IsRegression ? "yes" : "no")} | {Cell(ReleaseRadar)}{(insufficient > 0 ? $" ({insufficient} insufficient)" : "")} | {Cell(Flagger)} | {Cell(Ratio)} |\n");
        }
        var misses = results.Where(r => r.IsRegression != (Verdict(r, ReleaseRadar) == "RIESGOSO") && !(r.InsufficientDataAcceptable && Verdict(r, ReleaseRadar) == "DATOS_INSUFICIENTES")).ToList();
        sb.Append("\n## Release Radar's mistakes\n\n");
        if (misses.Count == 0) sb.Append("None.\n");
        foreach (var m in misses) sb.Append($"- {m.Id} ({m.Category}: {m.Description}): {Verdict(m, ReleaseRadar)}\n");
        var seconds = results.Select(r => r.AnalyzeSeconds).Order().ToList();
        sb.Append(CultureInfo.InvariantCulture, $"\n`releaseradar analyze` per scenario (process start, 28 replayed analyses, 2–4 range queries each): median {seconds[seconds.Count / 2]:0.00} s, max {seconds[^1]:0.00} s, two at a time.\n");
        return sb.ToString();
    }

    private static string Verdict(ScenarioResult r, string method) => r.Predictions.First(p => p.Method == method).Verdict;

    private static (int Tp, int Fp, int Tn, int Fn, int Insufficient) Confusion(IReadOnlyList<ScenarioResult> results, string method)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0, insufficient = 0;
        foreach (var r in results)
        {
            var v = Verdict(r, method);
            if (v == "DATOS_INSUFICIENTES") insufficient++;
            var flagged = v == "RIESGOSO";
            if (r.IsRegression && flagged) tp++;
            else if (r.IsRegression) fn++;
            else if (flagged) fp++;
            else tn++;
        }
        return (tp, fp, tn, fn, insufficient);
    }
}
