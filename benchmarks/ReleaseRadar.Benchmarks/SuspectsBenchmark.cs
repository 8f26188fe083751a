using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.Suspects;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Operator.Hosting;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Benchmarks;

/// <summary>What one method answered for one incident: the releases it names, first the likeliest, or "none of these".</summary>
public sealed record SuspectsPrediction(string Method, IReadOnlyList<string> Ranked, string? NoneOfThese);

public sealed record IncidentResult(
    string Id,
    string Cause,
    string Description,
    string Service,
    string Metric,
    int Services,
    int Releases,
    string? Culprit,
    string? TrueOnset,
    string? FoundOnset,
    IReadOnlyList<SuspectsPrediction> Predictions,
    double QuerySeconds
);

/// <summary>
/// "Which release broke it?" on the incident corpus: backfills every scenario into a real Prometheus, asks the same
/// search as `releaseradar suspects` and `GET /suspects` for each symptom, and scores it against the known cause beside
/// the two heuristics people use today.
/// </summary>
public static class SuspectsBenchmark
{
    public const string ReleaseRadar = "Release Radar";
    public const string LastDeploy = "Most recent deploy before the onset";
    public const string LastOwnDeploy = "Most recent deploy of the symptom's service";

    /// <summary>The seed of the corpus the ranker was tuned on.</summary>
    public const int DefaultSeed = 20261207;

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string outputDirectory, int seed, int perCause, CancellationToken ct)
    {
        var corpus = IncidentCorpus.Generate(seed, perCause);
        Console.Error.WriteLine($"incident corpus (seed {seed}): {corpus.Count} scenarios");
        var work = Directory.CreateTempSubdirectory("rr-suspects-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            await using var prometheus = await BackfilledCorpus.StartAsync(work, IncidentCorpus.History(corpus), clock, ct);
            using var client = new PrometheusClient(new PrometheusOptions { Url = prometheus.Url });
            var search = new SuspectSearch(client, AnalysisDefaults.None);
            var results = new List<IncidentResult>();
            foreach (var s in corpus)
            {
                var releases = ManifestReader.ReadReleases(s.ReleasesYaml());
                var query = new SymptomQuery(
                    s.SymptomService,
                    "service",
                    SymptomWords.Parse(s.Metric)!.Value,
                    s.Since,
                    s.At,
                    new Dictionary<string, string> { ["scenario"] = s.Id },
                    new Dictionary<string, IReadOnlyList<string>>(),
                    MeshLabels.Istio
                );
                var sw = Stopwatch.StartNew();
                var answer = await search.FindAsync(releases, query, ct);
                var seconds = sw.Elapsed.TotalSeconds;
                var radar = new SuspectsPrediction(ReleaseRadar, [.. answer.Ranked.Select(x => x.Release.Key)], answer.NoneOfThese);
                var result = new IncidentResult(
                    s.Id,
                    s.Cause.ToString(),
                    s.Description,
                    s.SymptomService,
                    s.Metric,
                    s.File.Services.Count,
                    s.Releases.Count,
                    s.Culprit,
                    s.TrueOnset is { } o ? Rfc3339.Format(o) : null,
                    answer.Onset is { } f ? Rfc3339.Format(f.At) : null,
                    [radar, Heuristic(s, own: false), Heuristic(s, own: true)],
                    seconds
                );
                results.Add(result);
                Console.Error.WriteLine(
                    $"{s.Id} {s.Cause, -22} {s.SymptomService}/{s.Metric, -10} → {(Correct(result, ReleaseRadar) ? "right" : "WRONG")}: "
                        + $"{(radar.NoneOfThese is { } none ? "none: " + none : string.Join(", ", radar.Ranked.Take(3)))}"
                );
            }
            Directory.CreateDirectory(outputDirectory);
            var report = Report(results, seed, perCause);
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, "results.md"), report, ct);
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, "results.json"), JsonSerializer.Serialize(results, IndentedJson), ct);
            Console.WriteLine(report);
            return 0;
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
    /// What people do today, from the deploy times they see and the onset read off a chart (the true one, generously; the
    /// moment the symptom was seen when nothing happened): the last deploy before it, of any service or of the symptom's own.
    /// </summary>
    private static SuspectsPrediction Heuristic(IncidentScenario s, bool own)
    {
        var onset = s.TrueOnset ?? s.At;
        var last = s
            .Releases.Where(r => r.DeployedAt <= onset + TimeSpan.FromMinutes(2) && r.DeployedAt >= s.At - s.Since)
            .Where(r => !own || r.Service == s.SymptomService)
            .MaxBy(r => r.DeployedAt);
        return last is null
            ? new SuspectsPrediction(own ? LastOwnDeploy : LastDeploy, [], "no deploy before the onset")
            : new SuspectsPrediction(own ? LastOwnDeploy : LastDeploy, [$"{s.Namespace}/{last.Name}"], null);
    }

    private static bool ReleaseCause(IncidentResult r) => r.Culprit is not null;

    /// <summary>A release cause is found when it is named first and "none of these" is not the answer; any other cause when it is.</summary>
    private static bool Correct(IncidentResult r, string method, int top = 1)
    {
        var p = r.Predictions.Single(p => p.Method == method);
        return ReleaseCause(r) ? p.NoneOfThese is null && p.Ranked.Take(top).Contains(r.Culprit) : p.NoneOfThese is not null;
    }

    private static string Report(List<IncidentResult> results, int seed, int perCause)
    {
        var inv = CultureInfo.InvariantCulture;
        var releaseCauses = results.Where(ReleaseCause).ToList();
        var nonRelease = results.Where(r => r.Cause is nameof(IncidentCause.ExternalSurge) or nameof(IncidentCause.SharedInfrastructure)).ToList();
        var quiet = results.Where(r => r.Cause == nameof(IncidentCause.NoIncident)).ToList();
        string Share(List<IncidentResult> set, string method, int top = 1) =>
            set.Count == 0
                ? "-"
                : string.Create(
                    inv,
                    $"{set.Count(r => Correct(r, method, top)) / (double)set.Count:0.00} ({set.Count(r => Correct(r, method, top))}/{set.Count})"
                );

        var sb = new StringBuilder("# Which release broke it? Suspects on the incident corpus\n\n");
        sb.Append(inv, $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {MachineInfo.Describe()}, against Prometheus 2.42 holding the backfilled ");
        sb.Append(inv, $"corpus. Seed {seed}: {results.Count} incident scenarios, {perCause} of each cause, ");
        sb.Append(inv, $"{results.Min(r => r.Services)}–{results.Max(r => r.Services)} services and {results.Min(r => r.Releases)}–");
        sb.Append(inv, $"{results.Max(r => r.Releases)} Releases each over three hours, scraped every 15 seconds. ");
        sb.Append("Each query is the search behind `releaseradar suspects` and `GET /suspects`: a two-hour look-back, who calls whom read ");
        sb.Append("from the mesh's `istio_requests_total`, which the simulation exports. Run it with `bash benchmarks/run-suspects.sh`.\n\n");
        sb.Append(
            seed == DefaultSeed
                ? "The ranker's thresholds were set on this corpus; [seed-7/](seed-7/results.md) is one it was not tuned on.\n\n"
                : $"The ranker's thresholds were set on seed {DefaultSeed}'s corpus, not on this one.\n\n"
        );
        sb.Append("A release cause counts as found at top 1 when it is named first and the answer is not \"none of these\"; at top 3 when it ");
        sb.Append("is among the first three. An external or shared cause counts as found when the answer is \"none of these\".\n\n");
        sb.Append("| Method | Top-1, release causes | Top-3, release causes | \"None of these\", external and shared | ");
        sb.Append("\"None of these\", no incident |\n|---|---|---|---|---|\n");
        foreach (var method in new[] { ReleaseRadar, LastDeploy, LastOwnDeploy })
            sb.Append(
                inv,
                $"| {method} | {Share(releaseCauses, method)} | {(method == ReleaseRadar ? Share(releaseCauses, method, 3) : "(names one)")} | "
                    + $"{Share(nonRelease, method)} | {Share(quiet, method)} |\n"
            );
        sb.Append("\n## By cause\n\n| Cause | Release Radar | Most recent deploy | Most recent deploy of the service |\n|---|---|---|---|\n");
        foreach (var cause in IncidentCorpus.Causes)
        {
            var set = results.Where(r => r.Cause == cause.ToString()).ToList();
            sb.Append(inv, $"| {cause} | {Share(set, ReleaseRadar)} | {Share(set, LastDeploy)} | {Share(set, LastOwnDeploy)} |\n");
        }
        var times = results.Select(r => r.QuerySeconds * 1000).Order().ToList();
        sb.Append(
            inv,
            $"\n## Time per query\n\nMedian {Quantile(times, 0.5):0} ms, p95 {Quantile(times, 0.95):0} ms, max {times[^1]:0} ms: the Prometheus "
        );
        sb.Append("range queries over two hours of every service of the scenario, and the ranking. The heuristics need no query.\n\n");
        sb.Append(inv, $"## Release Radar's mistakes\n\n");
        var wrong = results.Where(r => !Correct(r, ReleaseRadar)).ToList();
        if (wrong.Count == 0)
            sb.Append("None.\n");
        foreach (var r in wrong)
        {
            var p = r.Predictions[0];
            sb.Append(inv, $"- {r.Id} ({r.Cause}, {r.Service} {r.Metric}): {r.Description}. True onset {r.TrueOnset ?? "none"}, found ");
            sb.Append(inv, $"{r.FoundOnset ?? "none"}. Answered: ");
            sb.Append(p.NoneOfThese is { } none ? $"none of these ({none})" : string.Join(", ", p.Ranked.Take(3)));
            sb.Append(r.Culprit is { } c ? $"; the culprit was {c}.\n" : ".\n");
        }
        return sb.ToString();
    }

    private static double Quantile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
