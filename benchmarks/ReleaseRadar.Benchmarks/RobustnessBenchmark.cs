using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.KubeApiServer;

namespace ReleaseRadar.Benchmarks;

/// <summary>
/// Bad input and faults against the real executables: bad manifests and seeded mutations through `releaseradar analyze`,
/// every hostile Prometheus answer through `releaseradar analyze`, and the same answers plus poison specs through a
/// running `releaseradar operator`. Counts what was handled cleanly, crashes, hangs and silent acceptances.
/// </summary>
public static partial class RobustnessBenchmark
{
    private const string DeployedAt = "2025-11-23T13:00:00Z";
    private const string At = "2025-11-23T13:40:00Z";
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(90);

    public sealed record Run(int Exit, string Stdout, string Stderr, double Seconds, long PeakRssKb, bool TimedOut);

    public sealed record Outcome(string Group, string Case, string What, string Class, int Exit, string Message, double Seconds, long PeakRssKb);

    [GeneratedRegex(@"Unhandled exception|^\s+at [\w.<>`+]+[.(]", RegexOptions.Multiline)]
    private static partial Regex StackTrace();

    public static async Task<int> RunAsync(string outputDirectory, int parallelism, int mutations, string? only, CancellationToken ct)
    {
        await using var prometheus = await HostilePrometheus.StartAsync(ct);
        var work = Directory.CreateTempSubdirectory("rr-robust-").FullName;
        var outcomes = new List<Outcome>();
        try
        {
            // The valid manifest the mutations start from must itself be accepted, or every mutation is refused for nothing.
            var manifests = new[]
            {
                (Group: "control", Case: "valid manifest", What: "the manifest the mutations edit", Yaml: Valid, MustReject: false),
            }
                .Concat(BadManifests().Select(m => (Group: "manifest", m.Case, m.What, m.Yaml, MustReject: true)))
                .Concat(Mutations(mutations).Select(m => (Group: "mutation", m.Case, m.What, m.Yaml, MustReject: false)))
                .Concat(
                    prometheus.Cases.Select(c =>
                        (Group: "answer", Case: c.Name, c.What, Yaml: Manifest($"  selector: {{service: {c.Name}}}\n"), MustReject: true)
                    )
                )
                .Where(m => only is null || m.Group == only)
                .ToList();
            Console.Error.WriteLine($"{manifests.Count} CLI runs ({parallelism} at a time)");
            var failures = Path.Combine(Path.GetTempPath(), "release-radar-robustness-failures");
            Directory.CreateDirectory(failures);
            var results = new Outcome[manifests.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, manifests.Count),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
                async (i, token) =>
                {
                    var m = manifests[i];
                    var file = Path.Combine(work, $"m{i}.yaml");
                    await File.WriteAllTextAsync(file, m.Yaml, token);
                    var run = await RunCliAsync(
                        [
                            "analyze",
                            "-f",
                            file,
                            "--prometheus",
                            prometheus.Url.ToString(),
                            "--prometheus-timeout",
                            "5s",
                            "--prometheus-retries",
                            "1",
                            "--at",
                            At,
                            "-o",
                            "json",
                        ],
                        token
                    );
                    results[i] = Classify(m.Group, m.Case, m.What, run, m.MustReject, verdictIsAcceptance: m.Group == "answer");
                    // A failing input is kept (next to the results) so it can be replayed by hand.
                    if (results[i].Class is "handled" or "accepted")
                        File.Delete(file);
                    else
                        File.Move(file, Path.Combine(failures, $"{m.Group}-{i}.yaml"), overwrite: true);
                    if (results[i].Class is not ("handled" or "accepted"))
                        Console.Error.WriteLine($"  {m.Group} {m.Case}: {results[i].Class} (exit {run.Exit}) {results[i].Message}");
                }
            );
            outcomes.AddRange(results);
            if (only is null or "operator")
                outcomes.AddRange(await OperatorFaultsAsync(prometheus, work, ct));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        if (only is not null)
        {
            foreach (var o in outcomes.Where(o => o.Class is not ("handled" or "accepted")))
                Console.WriteLine($"{o.Group} {o.Case}: {o.Class}: {o.Message}");
            Console.WriteLine($"{outcomes.Count} tried (only {only}); nothing written to {outputDirectory}");
            return outcomes.Any(o => o.Class is not ("handled" or "accepted")) ? 1 : 0;
        }
        Directory.CreateDirectory(outputDirectory);
        var report = Report(outcomes, parallelism, mutations);
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, "results.md"), report, ct);
        Console.WriteLine(report);
        return outcomes.Any(o => o.Class is not ("handled" or "accepted")) ? 1 : 0;
    }

    private static Outcome Classify(string group, string name, string what, Run run, bool mustReject, bool verdictIsAcceptance)
    {
        var message = Message(run);
        string cls;
        if (run.TimedOut)
            cls = "hang";
        else if (run.Exit is < 0 or > 5 || StackTrace().IsMatch(run.Stderr) || StackTrace().IsMatch(run.Stdout))
            cls = "crash";
        // 1 is an error, 5 a selector or time range that matches no series: both print only a message on stderr.
        else if (run.Exit is 1 or 5 && run.Stdout.Trim().Length > 0)
            cls = "partial output";
        else if (run.Exit is 1 or 5 && run.Stderr.Trim().Length == 0)
            cls = "error without a message";
        else if (run.Exit == 5 && group == "control")
            cls = "handled"; // the manifest was taken and queried; this Prometheus has no series for it, and it says so
        else if (run.Exit == 1 && group == "control")
            cls = "wrongly refused";
        else if (run.Exit is 1 or 5)
            cls = "handled";
        else if (mustReject && !verdictIsAcceptance)
            cls = "silent acceptance"; // a bad manifest must be refused
        else if (mustReject && run.Exit is 0 or 2)
            cls = "silent acceptance"; // a verdict from a garbage answer
        else if (mustReject)
            cls = message.Length > 0 ? "handled" : "silent acceptance"; // no verdict, and it must say why
        else if (group == "control")
            cls = "handled";
        else
            cls = "accepted";
        return new Outcome(group, name, what, cls, run.Exit, message, run.Seconds, run.PeakRssKb);
    }

    /// <summary>What the user was told: the error line, or the status's reasons and failing conditions.</summary>
    private static string Message(Run run)
    {
        if (run.Exit is 1 or 5 || run.TimedOut)
            return run.Stderr.Trim().Split('\n').FirstOrDefault()?.Trim() ?? "";
        try
        {
            var status = JsonNode.Parse(run.Stdout) as JsonObject;
            var said = (status?["reasons"] as JsonArray ?? [])
                .Select(r => r?.ToString())
                .Concat(
                    (status?["conditions"] as JsonArray ?? []).Where(c => c?["status"]?.ToString() == "False").Select(c => c?["message"]?.ToString())
                )
                .FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));
            return said ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "(stdout is not JSON) " + run.Stdout[..Math.Min(80, run.Stdout.Length)];
        }
    }

    public static async Task<Run> RunCliAsync(string[] args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "releaseradar.dll"));
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("RELEASERADAR_PROMETHEUS_URL");
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        var peak = 0L;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(HangLimit);
        var exited = p.WaitForExitAsync(limit.Token);
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, PeakRssKb(p.Id));
            await Task.WhenAny(exited, Task.Delay(25, CancellationToken.None));
        }
        var timedOut = exited.IsCanceled && !ct.IsCancellationRequested;
        if (timedOut)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync(CancellationToken.None);
        }
        else
            await exited;
        return new Run(timedOut ? -1 : p.ExitCode, await stdout, await stderr, sw.Elapsed.TotalSeconds, peak, timedOut);
    }

    /// <summary>VmHWM, the process's peak resident set so far, from /proc (0 when the process is gone).</summary>
    public static long PeakRssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string Manifest(string spec, string head = "apiVersion: releaseradar.io/v1alpha1\nkind: Release\nmetadata:\n  name: robust\n") =>
        head + "spec:\n  version: v2\n" + $"  deployedAt: \"{DeployedAt}\"\n" + spec;

    private static readonly string Valid = Manifest(
        """
          selector: {service: nodata}
          control:
            selector: {service: nodata-control}
          analysis:
            window: 30m
            interval: 1m
            warmup: 2m
            minRequests: 200
            thresholds:
              latencyP95: {minRatio: 1.3, alpha: 0.01}
          slo: {objective: 99.9}
          target: {kind: Deployment, name: checkout}
          rollback: Annotate

        """
    );

    private static readonly string[] ThresholdMetrics = ["errorRate", "serverErrorRate", "latencyP95", "latencyP99", "traffic"];
    private static readonly string[] ThresholdFields = ["minRatio", "minIncrease", "alpha"];
    private static readonly string[] CustomMetricFields = ["weight", "minRatio", "minIncrease", "alpha"];

    /// <summary>Manifests that must be refused, each with what is wrong with it.</summary>
    public static IEnumerable<(string Case, string What, string Yaml)> BadManifests()
    {
        const string sel = "  selector: {service: nodata}\n";
        string[] numeric =
        [
            "analysis: {minRequests: V}",
            "analysis: {minSteps: V}",
            "analysis: {minCoverage: V}",
            "analysis: {power: V}",
            "analysis: {riskyScore: V}",
            "analysis: {consecutiveIntervals: V}",
            "analysis: {weights: {errors: V}}",
            "analysis: {weights: {serverErrors: V}}",
            "analysis: {weights: {latency: V}}",
            "analysis: {weights: {traffic: V}}",
            "slo: {objective: V}",
            "slo: {objective: 99.9, maxBurnRateIncrease: V}",
            .. ThresholdMetrics.SelectMany(t => ThresholdFields.Select(f => $"analysis: {{thresholds: {{{t}: {{{f}: V}}}}}}")),
            .. CustomMetricFields.Select(f => $"customMetrics: [{{name: queue, query: 'sum(up)', {f}: V}}]"),
        ];
        foreach (var field in numeric)
        foreach (var v in new[] { ".nan", ".inf", "-.inf", "lots", "[1]" })
            yield return (
                $"number {field.Replace("V", v, StringComparison.Ordinal)}",
                "a number that is not a finite number",
                Manifest(sel + "  " + field.Replace("V", v, StringComparison.Ordinal) + "\n")
            );
        string[] durations =
        [
            "analysis: {window: V}",
            "analysis: {interval: V}",
            "analysis: {step: V}",
            "analysis: {warmup: V}",
            "analysis: {recentWindow: V}",
            "baseline: {window: V}",
        ];
        foreach (var field in durations)
        foreach (var v in new[] { "999999999999d", "-5m", "'5 minutes'", "12", "''" })
            yield return (
                $"duration {field.Replace("V", v, StringComparison.Ordinal)}",
                "not a duration, or an absurd one",
                Manifest(sel + "  " + field.Replace("V", v, StringComparison.Ordinal) + "\n")
            );
        foreach (var v in new[] { "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "yesterday", "12345", "\"2026-13-45T99:00:00Z\"" })
            yield return ($"deployedAt {v}", "not a time, or an absurd one", Manifest(sel).Replace($"\"{DeployedAt}\"", v, StringComparison.Ordinal));
        yield return ("duplicate selector", "a key given twice", Manifest(sel + sel));
        yield return ("duplicate service", "a key given twice in a map", Manifest("  selector:\n    service: checkout\n    service: catalog\n"));
        yield return ("duplicate window", "a key given twice in a nested map", Manifest(sel + "  analysis:\n    window: 30m\n    window: 60m\n"));
        yield return ("unknown analysis.windw", "a misspelled field", Manifest(sel + "  analysis: {windw: 5m}\n"));
        yield return ("unknown spec.rollbak", "a misspelled field", Manifest(sel + "  rollbak: Undo\n"));
        yield return ("unknown top-level satus", "a misspelled field", Manifest(sel) + "satus: {}\n");
        yield return ("no kind", "no kind", Manifest(sel, "apiVersion: releaseradar.io/v1alpha1\nmetadata:\n  name: robust\n"));
        yield return (
            "wrong kind",
            "another kind",
            Manifest(sel, "apiVersion: releaseradar.io/v1alpha1\nkind: Deployment\nmetadata:\n  name: robust\n")
        );
        yield return (
            "wrong apiVersion",
            "another API version",
            Manifest(sel, "apiVersion: releaseradar.io/v9\nkind: Release\nmetadata:\n  name: robust\n")
        );
        yield return ("no spec", "no spec", "apiVersion: releaseradar.io/v1alpha1\nkind: Release\nmetadata:\n  name: robust\n");
        yield return ("null spec", "spec: null", "apiVersion: releaseradar.io/v1alpha1\nkind: Release\nmetadata:\n  name: robust\nspec: null\n");
        yield return ("no selector", "nothing to select the release's series", Manifest(""));
        yield return ("empty selector", "an empty selector", Manifest("  selector: {}\n"));
        yield return ("bad label name", "a label name Prometheus cannot have", Manifest("  selector: {'se rvice': checkout}\n"));
        yield return ("bad rollback", "an unknown rollback mode", Manifest(sel + "  rollback: Sometimes\n"));
        yield return ("interval > window", "an interval longer than the window", Manifest(sel + "  analysis: {window: 5m, interval: 10m}\n"));
        yield return ("custom metric without query", "a custom metric with no query", Manifest(sel + "  customMetrics: [{name: queue}]\n"));
        yield return (
            "custom metric direction",
            "an unknown direction",
            Manifest(sel + "  customMetrics: [{name: queue, query: 'sum(up)', direction: sideways}]\n")
        );
        yield return ("bad status label", "a status label name that is not a label name", Manifest(sel + "  metrics: {statusLabel: 'co\"de'}\n"));
        yield return ("empty file", "nothing", "");
        yield return ("only separator", "a lone ---", "---\n");
        yield return ("list at root", "a YAML list", "- a\n- b\n");
        yield return ("scalar at root", "a YAML scalar", "hello\n");
        yield return ("binary", "random bytes", Encoding.Latin1.GetString([.. Enumerable.Range(0, 512).Select(i => (byte)(i * 37 % 256))]));
        yield return ("tab indentation", "a tab where YAML forbids it", Manifest("\tselector: {service: nodata}\n"));
        yield return ("unclosed quote", "an unclosed quote", Manifest("  selector: {service: \"nodata}\n"));
        yield return ("bad indentation", "inconsistent indentation", Manifest("  selector:\n      service: a\n    env: b\n"));
        yield return ("unclosed flow", "an unclosed flow map", Manifest("  selector: {service: nodata\n"));
        yield return (
            "billion laughs",
            "exponential alias expansion",
            "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: "
                + "&g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
                + "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
                + Manifest(sel)
        );
        yield return ("20 MB manifest", "a 20 MB file", Manifest(sel) + "# " + new string('x', 20_000_000) + "\n");
        yield return (
            "deep nesting",
            "10,000 nested flow sequences",
            Manifest(sel) + "extra: " + new string('[', 10_000) + new string(']', 10_000) + "\n"
        );
        yield return ("10 MB string", "a 10 MB label value", Manifest($"  selector: {{service: {new string('a', 10_000_000)}}}\n"));
    }

    /// <summary>Seeded random edits of a valid manifest: they may or may not be valid; none may crash or hang.</summary>
    public static IEnumerable<(string Case, string What, string Yaml)> Mutations(int count)
    {
        const string significant = ":{}[],-#&*!|>'\"%@\t\n ?0.";
        for (var seed = 1; seed <= count; seed++)
        {
            var r = new Random(seed);
            var text = new StringBuilder(Valid);
            var edits = r.Next(1, 4);
            var what = new List<string>();
            for (var e = 0; e < edits; e++)
            {
                var at = r.Next(text.Length);
                switch (r.Next(4))
                {
                    case 0:
                        text.Remove(at, 1);
                        what.Add($"delete@{at}");
                        break;
                    case 1:
                        text.Insert(at, significant[r.Next(significant.Length)]);
                        what.Add($"insert@{at}");
                        break;
                    case 2:
                        var lines = text.ToString().Split('\n').ToList();
                        var l = r.Next(lines.Count);
                        lines.Insert(l, lines[l]);
                        text = new StringBuilder(string.Join('\n', lines));
                        what.Add($"duplicate line {l + 1}");
                        break;
                    default:
                        text[at] = (char)r.Next(32, 127);
                        what.Add($"replace@{at}");
                        break;
                }
            }
            yield return ($"mutation {seed}", string.Join(", ", what), text.ToString());
        }
    }

    /// <summary>
    /// A running operator against the API test server: one Release per hostile answer, and poison specs that the CRD's
    /// schema lets through. Each must end with a condition or reason that says what is wrong, no verdict from garbage,
    /// the process alive, and no hot loop.
    /// </summary>
    private static async Task<List<Outcome>> OperatorFaultsAsync(HostilePrometheus prometheus, string work, CancellationToken ct)
    {
        await using var api = await KubeApiTestServer.StartAsync([await LooseCrdAsync(work, ct)], cancellationToken: ct);
        var kubeconfig = api.WriteKubeconfig(Path.Combine(work, "kube"));
        var type = api.Type("releaseradar.io", "v1alpha1", "releases");
        api.Store.EnsureNamespace(api.Type("", "v1", "namespaces"), "robust");
        await using var op = await OperatorProcess.StartAsync(
            [
                "--kubeconfig",
                kubeconfig,
                "--prometheus",
                prometheus.Url.ToString(),
                "--prometheus-timeout",
                "5s",
                "--prometheus-retries",
                "1",
                "--no-leader-election",
                "--concurrency",
                "4",
                // A state loss that a resumed watch cannot see (writes raised the server's version past ours before the
                // watch came back) heals at the next resync's relist: 30 s here so that it happens within the run.
                "--resync",
                "30s",
            ],
            new Dictionary<string, string?>(),
            ct
        );
        var http = op.Http;

        // A label name of its own per Release, so the operator's batching (one query per set of label names) cannot put two
        // cases in one query and each Release gets its own hostile answer.
        var releases = prometheus
            .Cases.Select((c, i) => (Name: c.Name, What: c.What, Spec: $"\"selector\":{{\"service\":\"{c.Name}\",\"case{i}\":\"x\"}}", Poison: false))
            .ToList();
        releases.AddRange([
            (
                "poison-window",
                "analysis.window 999999999999d",
                "\"selector\":{\"service\":\"nodata\"},\"analysis\":{\"window\":\"999999999999d\"}",
                true
            ),
            (
                "poison-deployed-year-9999",
                "deployedAt in the year 9999",
                "\"selector\":{\"service\":\"nodata\"},\"deployedAt\":\"9999-12-31T23:59:59Z\"",
                true
            ),
            (
                "poison-deployed-year-1",
                "deployedAt in the year 1",
                "\"selector\":{\"service\":\"nodata\"},\"deployedAt\":\"0001-01-01T00:00:00Z\"",
                true
            ),
            (
                "poison-interval",
                "interval longer than the window",
                "\"selector\":{\"service\":\"nodata\"},\"analysis\":{\"window\":\"5m\",\"interval\":\"10m\"}",
                true
            ),
            ("poison-baseline", "baseline window 0s", "\"selector\":{\"service\":\"nodata\"},\"baseline\":{\"window\":\"0s\"}", true),
            ("poison-duration-text", "interval '5 minutes'", "\"selector\":{\"service\":\"nodata\"},\"analysis\":{\"interval\":\"5 minutes\"}", true),
            ("poison-no-selector", "no selector", "\"version\":\"v2\"", true),
            (
                "poison-custom-query",
                "a custom query without {{selector}}",
                "\"selector\":{\"service\":\"nodata\"},\"customMetrics\":[{\"name\":\"q\",\"query\":\"sum(\"}]",
                true
            ),
        ]);
        // High-cardinality load: 20 Releases whose status label has 8,000 values, each in an 11 MB answer of its own.
        releases.AddRange(
            Enumerable
                .Range(1, 20)
                .Select(k =>
                    (
                        $"high-cardinality-load-{k}",
                        "8,000 status-label values, one of 20 such Releases at once",
                        $"\"selector\":{{\"service\":\"high-cardinality-status\",\"caseLoad{k}\":\"x\"}}",
                        false
                    )
                )
        );
        var admission = new Dictionary<string, string>();
        void Create(string name, string spec)
        {
            spec = spec.Contains("deployedAt", StringComparison.Ordinal) ? spec : $"\"deployedAt\":\"{DeployedAt}\"," + spec;
            var json =
                $"{{\"apiVersion\":\"releaseradar.io/v1alpha1\",\"kind\":\"Release\",\"metadata\":{{\"name\":\"{name}\"}},\"spec\":{{{spec}}}}}";
            try
            {
                api.Store.Create(type, "robust", JsonNode.Parse(json)!.AsObject());
            }
            catch (ApiException e)
            {
                admission[name] = $"refused by the API server ({e.Code}): {e.Message}";
            }
        }
        foreach (var r in releases)
            Create(r.Name, r.Spec);
        var started = Stopwatch.StartNew();
        var faults = await StateLossAndPoisonAsync(api, type, op.Http, Create, ct);
        faults.AddRange(PoisonAnnotations(api));
        // Long enough for the hanging and slow answers (5 s timeout, one retry, one-interval cut) and several backoffs.
        await Task.Delay(TimeSpan.FromSeconds(90) - started.Elapsed, ct);
        var peak = PeakRssKb(op.Id);
        var listed = await http.GetStringAsync("/releases", ct);
        var metrics = await http.GetStringAsync("/metrics", ct);
        var alive = !op.HasExited;
        await op.DisposeAsync();
        var reconciles = Regex
            .Matches(metrics, @"^releaseradar_reconciles_total\{[^}]*\} (\S+)$", RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        var perReleaseMinute = reconciles / releases.Count / started.Elapsed.TotalMinutes;

        var outcomes = new List<Outcome>();
        foreach (var r in releases)
        {
            if (admission.TryGetValue(r.Name, out var refused))
            {
                outcomes.Add(new Outcome("operator", r.Name, r.What, "handled", 0, refused, 0, 0));
                continue;
            }
            var status = api.Store.Get(type, "robust", r.Name)["status"] as JsonObject;
            var verdict = status?["verdict"]?.ToString();
            var failing = (status?["conditions"] as JsonArray ?? []).FirstOrDefault(c =>
                c?["type"]?.ToString() is "SpecValid" or "MetricsAvailable" or "TargetFound" && c["status"]?.ToString() == "False"
            );
            var reason = (status?["reasons"] as JsonArray ?? []).Select(x => x?.ToString()).FirstOrDefault();
            var message = failing is not null ? $"{failing["type"]}=False {failing["reason"]}: {failing["message"]}" : reason ?? "";
            var cls =
                !alive ? "crash"
                : status is null ? "silent acceptance" // no status at all: the failure is invisible
                : StatusWire.ParseVerdict(verdict) is Verdict.Ok or Verdict.Risky ? "silent acceptance"
                : message.Length == 0 ? "silent acceptance"
                : "handled";
            outcomes.Add(new Outcome("operator", r.Name, r.What, cls, 0, message, 0, peak));
        }
        outcomes.AddRange(faults.Select(f => Blinded(api, type, listed, op.Log, f)));
        outcomes.Add(
            new Outcome(
                "operator",
                "process",
                $"{releases.Count} Releases for {started.Elapsed.TotalSeconds:0} s",
                !alive ? "crash"
                    : perReleaseMinute > 30 ? "hang"
                    : peak / 1024 >= ChartMemoryLimitMiB ? "over the memory limit"
                    : "handled",
                0,
                $"alive: {alive}; {reconciles:0} reconciles = {perReleaseMinute:0.0} per Release per minute; peak RSS {peak / 1024} MiB "
                    + $"(the chart's limit: {ChartMemoryLimitMiB} MiB)",
                started.Elapsed.TotalSeconds,
                peak
            )
        );
        if (!alive || outcomes.Any(o => o.Class == "blinded"))
            Console.Error.WriteLine(op.Log);
        outcomes.AddRange(await ExportInterruptedAsync(kubeconfig, work, ct));
        return outcomes;
    }

    /// <summary>
    /// Tracked Deployments with bad annotations, created while the operator runs: each must be named in its log, and the
    /// Deployments after them (one whose name is too long for a label value, and a plain one) must still get analysed Releases.
    /// </summary>
    private static List<Fault> PoisonAnnotations(KubeApiTestServer api)
    {
        var deployments = api.Type("apps", "v1", "deployments");
        var longName = "checkout-" + new string('x', 60);
        foreach (
            var (name, annotations) in new[]
            {
                ("poison-selector-twice", "\"releaseradar.io/selector\":\"service=a,service=b\""),
                ("poison-rollback-yes", "\"releaseradar.io/selector\":\"service=nodata\",\"releaseradar.io/rollback\":\"yes\""),
                (longName, "\"releaseradar.io/selector\":\"service=nodata\""),
                ("after-poison-annotations", "\"releaseradar.io/selector\":\"service=nodata\""),
            }
        )
        {
            var json =
                $"{{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{{\"name\":\"{name}\",\"annotations\":{{"
                + $"\"releaseradar.io/track\":\"true\",{annotations}}}}},\"spec\":{{\"selector\":{{\"matchLabels\":{{\"app\":\"x\"}}}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"x:1\"}]}}}}";
            api.Store.Create(deployments, "robust", JsonNode.Parse(json)!.AsObject());
        }
        return
        [
            new("poison-selector-twice", "a tracked Deployment whose selector annotation names one label twice", Expect.Logged),
            new("poison-rollback-yes", "a tracked Deployment annotated rollback: \"yes\"", Expect.Logged),
            new(longName + "-r1", "a tracked Deployment named with 69 characters, too long for a label value", Expect.Analysed),
            new("after-poison-annotations-r1", "a tracked Deployment created after the poison annotations", Expect.Analysed),
        ];
    }

    /// <summary>
    /// `export` killed at several points of writing its set: the previous set must stay whole, byte for byte, and a later
    /// export must leave no staging set behind. A torn set counts as partial output.
    /// </summary>
    private static async Task<List<Outcome>> ExportInterruptedAsync(string kubeconfig, string work, CancellationToken ct)
    {
        var root = Path.Combine(work, "export");
        Directory.CreateDirectory(root);
        var output = Path.Combine(root, "evidence");
        string[] args = ["export", "--kubeconfig", kubeconfig, "--output", output, "--generated-at", "2026-01-01T00:00:00Z"];
        async Task<(bool Killed, int Exit, string Err)> RunAsync(int killAt)
        {
            var psi = OperatorProcess.Cli();
            foreach (var a in args)
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync(ct);
            _ = p.StandardOutput.ReadToEndAsync(ct);
            while (!p.HasExited)
            {
                var staging = Directory.GetDirectories(root, ".evidence.staging-*").FirstOrDefault();
                if (killAt > 0 && staging is not null && Directory.GetFiles(staging, "*", SearchOption.AllDirectories).Length >= killAt)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync(ct);
                    return (true, p.ExitCode, "");
                }
                await Task.Delay(2, ct);
            }
            return (false, p.ExitCode, await err);
        }
        var outcomes = new List<Outcome>();
        var first = await RunAsync(0);
        if (first.Exit != 0)
            return
            [
                new Outcome("export", "first export", "the set the kills must leave whole", "error without a message", first.Exit, first.Err, 0, 0),
            ];
        var before = Snapshot(output);
        foreach (var killAt in KillPoints.Select(f => Math.Max(1, (int)(f * before.Count))).Distinct())
        {
            var run = await RunAsync(killAt);
            var after = Snapshot(output);
            var whole = after.Count == before.Count && after.All(kv => before.TryGetValue(kv.Key, out var h) && h == kv.Value);
            var what = $"killed once its staging set held {killAt} of the {before.Count} files";
            outcomes.Add(
                !run.Killed ? new Outcome("export", $"kill at file {killAt}", what, "handled", run.Exit, "finished before the kill", 0, 0)
                : whole ? new Outcome("export", $"kill at file {killAt}", what, "handled", 0, $"the previous {before.Count} files intact", 0, 0)
                : new Outcome("export", $"kill at file {killAt}", what, "partial output", 0, $"{after.Count} files, not the previous set", 0, 0)
            );
        }
        var last = await RunAsync(0);
        var left = Directory.GetDirectories(root, ".evidence.staging-*").Length;
        outcomes.Add(
            new Outcome(
                "export",
                "export after the kills",
                "a whole export after the killed ones",
                last.Exit == 0 && left == 0 ? "handled" : "partial output",
                last.Exit,
                left == 0 ? $"exit {last.Exit}; no staging set left behind" : $"{left} staging sets left behind",
                0,
                0
            )
        );
        return outcomes;
    }

    /// <summary>Where `export` is killed, as shares of a whole set's files: from the first file to the last few.</summary>
    private static readonly double[] KillPoints = [0.01, 0.25, 0.5, 0.75, 0.95];

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory
            .GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>The chart's memory limit for the operator (charts/release-radar/values.yaml), which the peak RSS must stay under.</summary>
    private static int ChartMemoryLimitMiB => ChartMemory.OperatorLimitMiB;

    private const string NoData = "\"selector\":{\"service\":\"nodata\"}";

    /// <summary>What a fault's Release must show at the end: analysed, gone from the API, or reported on itself.</summary>
    private enum Expect
    {
        Analysed,
        Gone,
        Reported,

        /// <summary>Named in the operator's log (a Deployment's bad annotation has no Release to report on).</summary>
        Logged,
    }

    private sealed record Fault(string Name, string What, Expect Expect);

    /// <summary>
    /// State loss, then a poison status, while the operator runs: the API server's store is restored from a backup (a
    /// Release created since becomes a ghost, resourceVersions go back), a Release created afterwards must still be
    /// analysed; then one Release's status is overwritten with a history entry of the wrong shape, and a Release created
    /// after it must be analysed too.
    /// </summary>
    private static async Task<List<Fault>> StateLossAndPoisonAsync(
        KubeApiTestServer api,
        ResourceType type,
        HttpClient http,
        Action<string, string> create,
        CancellationToken ct
    )
    {
        await Task.Delay(TimeSpan.FromSeconds(10), ct);
        var backup = api.Store.Backup();
        create("state-loss-ghost", NoData);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !(await http.GetStringAsync("/releases", ct)).Contains("state-loss-ghost", StringComparison.Ordinal))
            await Task.Delay(500, ct);
        api.Store.Restore(backup);
        create("after-state-loss", NoData);

        create("poison-status", NoData);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var poisoned = api.Store.Get(type, "robust", "poison-status");
        poisoned["status"] = JsonNode.Parse("""{"phase":"Analyzing","history":[{"time":5}]}""");
        api.Store.Replace(type, "robust", "poison-status", poisoned, statusOnly: true);
        create("after-poison-status", NoData);
        return
        [
            new("state-loss-ghost", "created after the backup the API server is restored from", Expect.Gone),
            new("after-state-loss", "created after the restore, below the resourceVersions the operator saw", Expect.Analysed),
            new("poison-status", "a status whose history holds {\"time\": 5} (stored before the schema was typed)", Expect.Reported),
            new("after-poison-status", "created after the poison status", Expect.Analysed),
        ];
    }

    /// <summary>
    /// "blinded" when the fault blinded the operator: a Release after it never analysed, a ghost still served, or a poison
    /// object with no word on it.
    /// </summary>
    private static Outcome Blinded(KubeApiTestServer api, ResourceType type, string listed, string log, Fault fault)
    {
        var (ok, message) = fault.Expect switch
        {
            Expect.Logged => log.Split('\n').FirstOrDefault(l => l.Contains($"robust/{fault.Name}", StringComparison.Ordinal)) is { } line
                ? (true, "logged: " + line.Trim())
                : (false, "not named in the operator's log"),
            Expect.Gone => (
                !listed.Contains($"\"{fault.Name}\"", StringComparison.Ordinal),
                listed.Contains($"\"{fault.Name}\"", StringComparison.Ordinal) ? "still served by /releases" : "dropped from /releases"
            ),
            Expect.Analysed => Analysed(api, type, fault.Name),
            _ => Reported(api, fault.Name),
        };
        return new Outcome("operator", fault.Name, fault.What, ok ? "handled" : "blinded", 0, message, 0, 0);
    }

    private static (bool, string) Analysed(KubeApiTestServer api, ResourceType type, string name)
    {
        var status = api.Store.Get(type, "robust", name)["status"] as JsonObject;
        var reason = (status?["reasons"] as JsonArray ?? []).Select(x => x?.ToString()).FirstOrDefault();
        return status?["observedGeneration"] is null ? (false, "no status: never analysed") : (true, "analysed: " + (reason ?? "a status"));
    }

    private static (bool, string) Reported(KubeApiTestServer api, string name)
    {
        var said = "";
        api.Store.List(
            api.Type("", "v1", "events"),
            "robust",
            e =>
            {
                if (e["involvedObject"]?["name"]?.ToString() == name && e["reason"]?.ToString() == "Unreadable")
                    said = $"Event {e["reason"]}: {e["message"]}";
                return false;
            }
        );
        return (said.Length > 0, said.Length > 0 ? said : "no Event on the Release");
    }

    /// <summary>The CRD with status.history items untyped, as before the schema was tightened, so a poison status can be stored.</summary>
    private static async Task<string> LooseCrdAsync(string work, CancellationToken ct)
    {
        var typed = await File.ReadAllTextAsync(Path.Combine(ScaleBenchmark.Root(), "config", "crd", "releases.releaseradar.io.yaml"), ct);
        var loose = HistoryItems().Replace(typed, "$1items: { type: object, x-kubernetes-preserve-unknown-fields: true }\n$2");
        if (loose == typed)
            throw new InvalidOperationException("the CRD's status.history items were not found: update HistoryItems()");
        var path = Path.Combine(work, "releases-loose.yaml");
        await File.WriteAllTextAsync(path, loose, ct);
        return path;
    }

    [GeneratedRegex(@"(?s)( {16}history:\n.*?\n {18})items:\n {20}type: object\n.*?\n( {16}observedGeneration:)")]
    private static partial Regex HistoryItems();

    private static string Report(List<Outcome> outcomes, int parallelism, int mutations)
    {
        var sb = new StringBuilder();
        sb.Append(
            $"""
            # Robustness: bad input and faults

            Measured {DateTime.UtcNow:yyyy-MM-dd} on {MachineInfo.Describe()}. Reproduce: `bash benchmarks/run-robustness.sh` (about eight minutes).

            Every case runs the real executables: `releaseradar analyze -f <manifest> --prometheus <server> --prometheus-timeout 5s
            --prometheus-retries 1 -o json` as a process ({parallelism} at a time), and `releaseradar operator` as a process against
            the Kubernetes API test server. Prometheus is `HostilePrometheus`: it answers each case's queries the way a broken,
            hostile or overloaded Prometheus or proxy can (the case is chosen by the `service` label), and any other query with a
            well-formed empty answer.

            - **handled**: a bad manifest or a hostile answer ends with exit 1 (or 5, no series matched) and one message on
              stderr, nothing on stdout; or, for answers, no verdict and a reason or condition saying why. In the operator: a
              `False` condition or a reason, no verdict from garbage, refused at admission by the CRD's schema, or the process
              alive without a hot loop.
            - **crash**: an unhandled exception or stack trace, an exit code outside 0–5, or an operator process that died.
            - **hang**: no exit within {HangLimit.TotalSeconds:0} s; for the operator, more than 30 reconciles per Release per minute.
            - **silent acceptance**: a bad manifest that gave a verdict, a garbage answer that gave a verdict (OK or risky), or a Release
              whose status does not say what is wrong. Also counted here: partial output with exit 1, an error without a message, and an
              evidence set that a killed `export` left torn.
            - **blinded**: after a fault (the API server restored from a backup, a status that does not read), a Release created
              afterwards never analysed, a Release that no longer exists still served, or the bad object with no Event on it.
            - **over the memory limit**: the operator's peak RSS at or over the chart's memory limit ({ChartMemoryLimitMiB} MiB).
            - Mutations ({mutations} seeded random edits of a valid manifest) may be valid or not; only crashes and hangs count.
              The valid manifest itself runs first as a control and must be accepted: a verdict, or exit 5, which says this
              Prometheus holds no series for it.


            """
        );
        sb.Append(
            "| Group | Tried | Handled | Accepted (mutations) | Crashes | Hangs | Silent acceptances | Valid input refused | Blinded "
                + "| Over the memory limit |\n|---|---|---|---|---|---|---|---|---|---|\n"
        );
        foreach (var g in outcomes.GroupBy(o => o.Group).Append(outcomes.GroupBy(_ => "all").Single()))
            sb.Append(
                CultureInfo.InvariantCulture,
                $"| {g.Key} | {g.Count()} | {g.Count(o => o.Class == "handled")} | {g.Count(o => o.Class == "accepted")} | "
                    + $"{g.Count(o => o.Class == "crash")} | {g.Count(o => o.Class == "hang")} | "
                    + $"{g.Count(o => o.Class is "silent acceptance" or "partial output" or "error without a message")} |"
                    + $" {g.Count(o => o.Class == "wrongly refused")} | {g.Count(o => o.Class == "blinded")} | "
                    + $"{g.Count(o => o.Class == "over the memory limit")} |\n"
            );
        var answers = outcomes.Where(o => o.Group == "answer").ToList();
        var huge = answers.FirstOrDefault(o => o.Case == "huge-50mb");
        sb.Append(
            string.Create(CultureInfo.InvariantCulture, $"\nPeak RSS of `analyze`: {answers.Max(o => o.PeakRssKb) / 1024} MiB over every answer case")
                + (huge is null ? "" : $"; {huge.PeakRssKb / 1024} MiB on the 50 MB answer (refused at the 32 MiB limit)")
                + string.Create(CultureInfo.InvariantCulture, $"; slowest case {answers.Max(o => o.Seconds):0.0} s.\n")
        );
        if (outcomes.FirstOrDefault(o => o.Group == "operator" && o.Case == "process") is { } process)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"Peak RSS of the operator: {process.PeakRssKb / 1024} MiB over its whole life (VmHWM, start-up included), with every "
                    + $"answer case and 20 high-cardinality Releases (11 MB answers) at once; the chart's limit is {ChartMemoryLimitMiB} MiB.\n"
            );
        var bad = outcomes.Where(o => o.Class is not ("handled" or "accepted")).ToList();
        sb.Append(
            bad.Count == 0
                ? "\nNo crash, no hang, no silent acceptance, nothing blinded, never over the memory limit.\n"
                : $"\n## Failures ({bad.Count})\n\n"
                    + string.Join("\n", bad.Select(o => $"- {o.Group} `{o.Case}`: {o.Class}, exit {o.Exit}: {Cell(o.Message)}"))
                    + "\n"
        );
        foreach (
            var (group, title) in new[]
            {
                ("answer", "Hostile Prometheus answers through `analyze`"),
                ("operator", "The operator under the same answers and poison specs"),
                ("export", "`export` killed while it writes its set"),
            }
        )
        {
            sb.Append(
                CultureInfo.InvariantCulture,
                $"\n## {title}\n\n| Case | What | Result | Exit | What the user is told |\n|---|---|---|---|---|\n"
            );
            foreach (var o in outcomes.Where(o => o.Group == group))
                sb.Append(
                    CultureInfo.InvariantCulture,
                    $"| {o.Case} | {Cell(o.What)} | {o.Class} | "
                        + $"{(group == "operator" ? "" : o.Exit.ToString(CultureInfo.InvariantCulture))} | {Cell(o.Message)} |\n"
                );
        }
        sb.Append("\n## Bad manifests through `analyze` (a sample of the messages)\n\n| Case | Result | Message |\n|---|---|---|\n");
        foreach (var o in outcomes.Where(o => o.Group == "manifest").GroupBy(o => o.Case.Split(' ')[0]).SelectMany(g => g.Take(6)))
            sb.Append(CultureInfo.InvariantCulture, $"| {Cell(o.Case)} | {o.Class} | {Cell(o.Message)} |\n");
        return sb.ToString();
    }

    private static string Cell(string s)
    {
        s = s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        return s.Length > 160 ? s[..157] + "..." : s;
    }
}
