using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.KubeApiServer;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Benchmarks;

public sealed record ScaleResult(
    int Releases,
    double FirstStatusP50,
    double FirstStatusP95,
    double FirstStatusMax,
    double Cores,
    double RssMb,
    double RssMaxMb,
    double QueriesPerInterval,
    double StatusWritesPerInterval,
    double AnalysesPerInterval,
    int WithStatus,
    double QueryBytesMean,
    double QueryBytesMax,
    double ResponseMbPerInterval,
    double PrometheusCores,
    double PrometheusQueryMsMean,
    double LargestStatusKb,
    double StartupQueries,
    double PeakMiB,
    string Load,
    double FailedPerInterval,
    double DuePerInterval,
    double Untrusted,
    double StartupPeakMiB
)
{
    /// <summary>
    /// Fewer analyses completed than were due (a failed analysis is not done): the operator fell behind, and the run's figures
    /// describe a backlog, not a steady state. Such a run is flagged, never quoted.
    /// </summary>
    public bool Saturated => AnalysesPerInterval - FailedPerInterval < 0.95 * DuePerInterval;
}

/// <summary>The fleet a scale run simulates.</summary>
/// <param name="Services">Distinct services, each its own population in the operator's batched queries.</param>
/// <param name="History">History entries each Release's status already carries, as after a day of analyses.</param>
/// <param name="MixedLabels">Every other Release selects by {service, version} instead of {service}: two label sets, two batch groups.</param>
public sealed record ScaleFleet(int Services, int History, bool MixedLabels)
{
    public string Describe() =>
        $"{Services:#,0} services{(MixedLabels ? ", mixed selector label sets ({service} and {service, version})" : "")}"
        + (History > 0 ? $", statuses already holding {History} history entries" : "");
}

/// <summary>
/// N active Releases against a real Prometheus (backfilled history for the fleet's services, then live scraping of the
/// mock exporter), the API test server holding the Releases, and `releaseradar operator` as a separate process whose CPU
/// and RSS (and Prometheus' CPU) are read from /proc. Each size runs a fresh operator for a fixed number of one-minute
/// intervals.
/// </summary>
public static class ScaleBenchmark
{
    /// <summary>
    /// Without seeded history, Releases are deployed 5 to 114 minutes ago: spread over their whole 2-hour window, so ranges
    /// of every length are read, as in a fleet that has run for a while (not only the 5–35-minute-old ones).
    /// </summary>
    private const int SpreadMinutes = 110;

    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, int intervals, string output, ScaleFleet fleet, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("rr-scale-").FullName;
        try
        {
            var digits = Math.Max(2, (fleet.Services - 1).ToString(CultureInfo.InvariantCulture).Length);
            var services = Enumerable
                .Range(0, fleet.Services)
                .Select(i => "svc" + i.ToString(new string('0', digits), CultureInfo.InvariantCulture))
                .ToList();
            var file = new ScenarioFile
            {
                Seed = 99,
                Services =
                [
                    .. services.Select(s => new ServiceEntry
                    {
                        Name = s,
                        BaseRps = 30,
                        Timeline = [new DeploymentEntry { At = "0s", Version = "v1" }],
                    }),
                ],
            };
            // History back to the oldest baseline start: deployed up to 35 min (plus the seeded history) ago, 30 min baseline.
            var needed = TimeSpan.FromMinutes((fleet.History > 0 ? 35 : SpreadMinutes + 5) + fleet.History + 30 + 10);
            var backfill = fleet.Services <= 100 && needed < TimeSpan.FromHours(2) ? TimeSpan.FromHours(2) : needed;
            var scrape = TimeSpan.FromSeconds(fleet.Services <= 100 ? 15 : 30); // keeps a 2,000-service backfill to a few hundred MB
            var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60);
            var writer = new OpenMetricsHistoryWriter();
            writer.Simulate(new ScenarioRunner(file, now - backfill), now - backfill, now.AddMinutes(-3), scrape);
            var om = Path.Combine(work, "history.om");
            await using (var text = File.CreateText(om))
                writer.Write(text);
            await LocalPrometheus.BackfillAsync(om, Path.Combine(work, "data"), ct);
            File.Delete(om);
            var exporterPort = LocalPrometheus.FreePort();
            await using var exporter = MockExporterServer.Build(new ScenarioRunner(file, DateTimeOffset.UtcNow), $"http://127.0.0.1:{exporterPort}");
            await exporter.StartAsync(ct);
            await using var prometheus = await LocalPrometheus.StartAsync(
                [$"127.0.0.1:{exporterPort}"],
                TimeSpan.FromSeconds(15),
                Path.Combine(work, "data"),
                cancellationToken: ct
            );
            Console.Error.WriteLine($"prometheus {prometheus.Url} with {backfill.TotalMinutes:0} min of history for {fleet.Describe()}");

            var results = new List<ScaleResult>();
            foreach (var n in sizes)
                results.Add(await RunSizeAsync(n, intervals, services, fleet, prometheus, work, ct));

            Directory.CreateDirectory(output);
            var report = Report(results, intervals, fleet);
            await File.WriteAllTextAsync(Path.Combine(output, "results.md"), report, ct);
            Console.WriteLine(report);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<ScaleResult> RunSizeAsync(
        int n,
        int intervals,
        List<string> services,
        ScaleFleet fleet,
        LocalPrometheus prometheus,
        string work,
        CancellationToken ct
    )
    {
        var crd = Path.Combine(Root(), "config", "crd", "releases.releaseradar.io.yaml");
        await using var api = await KubeApiTestServer.StartAsync([crd], cancellationToken: ct);
        var kubeconfig = api.WriteKubeconfig(Path.Combine(work, $"kube-{n}"));
        var type = api.Type("releaseradar.io", "v1alpha1", "releases");

        // Releases deployed 5–35 minutes ago (plus the seeded history), analysed every minute, spread over the services.
        var created = new DateTimeOffset[n];
        var firstStatus = new DateTimeOffset?[n];
        var start = DateTimeOffset.UtcNow;
        var random = new Random(7);
        api.Store.EnsureNamespace(api.Type("", "v1", "namespaces"), "bench"); // the API test server refuses objects in a missing namespace
        for (var i = 0; i < n; i++)
        {
            var deployed = DateTimeOffset
                .FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60)
                .AddMinutes(fleet.History > 0 ? -5 - i % 30 - fleet.History : -5 - i * 37 % SpreadMinutes);
            var selector = new JsonObject { ["service"] = services[i % services.Count] };
            if (fleet.MixedLabels && i % 2 == 1)
                selector["version"] = "v1";
            var name = $"r{i:00000}";
            api.Store.Create(
                type,
                "bench",
                new JsonObject
                {
                    ["apiVersion"] = "releaseradar.io/v1alpha1",
                    ["kind"] = "Release",
                    ["metadata"] = new JsonObject { ["name"] = name },
                    ["spec"] = new JsonObject
                    {
                        ["version"] = $"v{i}",
                        ["deployedAt"] = Rfc3339.Format(deployed),
                        ["selector"] = selector,
                        ["baseline"] = new JsonObject { ["window"] = "30m" },
                        ["analysis"] = new JsonObject
                        {
                            ["window"] = fleet.History > 0 ? "24h" : "2h",
                            ["interval"] = "1m",
                            ["warmup"] = "2m",
                        },
                    },
                }
            );
            if (fleet.History > 0)
                SeedStatus(api, type, name, deployed, fleet.History, random);
            created[i] = DateTimeOffset.UtcNow;
        }
        Console.Error.WriteLine($"{n} releases created in {(DateTimeOffset.UtcNow - start).TotalSeconds:0.0}s");
        // The store's selector sees each object without copying it: with 10,000 statuses of a day's history, copies would
        // cost the harness gigabytes and the operator its CPU.
        var seededAnalysis = new Dictionary<string, string?>();
        if (fleet.History > 0)
            api.Store.List(type, "bench", item => Observe(() => seededAnalysis[Name(item)] = LastAnalysis(item)));

        await using var op = await OperatorProcess.StartAsync(
            ["--kubeconfig", kubeconfig, "--prometheus", prometheus.Url.ToString(), "--no-leader-election", "--no-auto-track", "--concurrency", "4"],
            new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" },
            ct
        );
        var http = op.Http;
        var launched = DateTimeOffset.UtcNow;
        var atLaunch = await OperatorCountersAsync(http, ct);

        // First status: a status written by this operator (for seeded Releases, a newer analysis than the seeded one).
        var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
        while (DateTimeOffset.UtcNow < deadline && firstStatus.Any(f => f is null))
        {
            if (op.HasExited)
                throw new InvalidOperationException($"the operator exited during its start-up; its log ends:\n{Tail(op.Log)}");
            var seen = DateTimeOffset.UtcNow;
            api.Store.List(
                type,
                "bench",
                item =>
                    Observe(() =>
                    {
                        if (
                            item["status"]?["observedGeneration"] is not null
                            && int.TryParse(Name(item)[1..], out var idx)
                            && firstStatus[idx] is null
                            && (fleet.History == 0 || LastAnalysis(item) != seededAnalysis[Name(item)])
                        )
                            firstStatus[idx] = seen;
                    })
            );
            await Task.Delay(250, ct);
        }
        // Seeded Releases exist before the operator starts, so their latency counts from its start, not their creation.
        var latencies = Enumerable
            .Range(0, n)
            .Where(i => firstStatus[i] is not null)
            .Select(i => (firstStatus[i]!.Value - (fleet.History > 0 ? launched : created[i])).TotalSeconds)
            .Order()
            .ToList();
        Console.Error.WriteLine($"{latencies.Count}/{n} have a status; p50 {Pct(latencies, 0.5):0.0}s");

        // Steady state starts at a minute boundary (just before it, so that its round is inside) once the interval of the
        // last first status is over: the catch-up after a start (replays, populations met for the first time) stays out of it.
        var settled = DateTimeOffset.UtcNow.AddSeconds(5);
        var boundary = DateTimeOffset.FromUnixTimeSeconds(settled.ToUnixTimeSeconds() / 60 * 60 + 60).AddSeconds(-2);
        if (boundary > DateTimeOffset.UtcNow)
            await Task.Delay(boundary - DateTimeOffset.UtcNow, ct);

        // The high-water mark so far: start-up, when every population's whole window is read, apart from the steady state.
        var startupPeak = RobustnessBenchmark.PeakRssKb(op.Id) / 1024.0;

        // Steady state: whole intervals, CPU from /proc/<pid>/stat, RSS sampled every 2 s.
        var cpu0 = CpuSeconds(op.Id);
        var promCpu0 = CpuSeconds(prometheus.ProcessId);
        var writes0 = api.Store.WriteCount("releases", "replace-status");
        var before = await OperatorCountersAsync(http, ct);
        var promBefore = await PrometheusQueryTimeAsync(prometheus.Url, ct);
        var loadBefore = LoadAverage();
        var t0 = Stopwatch.StartNew();
        var rss = new List<double>();
        while (t0.Elapsed < TimeSpan.FromMinutes(intervals))
        {
            if (op.HasExited)
                throw new InvalidOperationException($"the operator exited during the steady state; its log ends:\n{Tail(op.Log)}");
            rss.Add(RssMb(op.Id));
            await Task.Delay(2000, ct);
        }
        var minutes = t0.Elapsed.TotalMinutes;
        var cores = (CpuSeconds(op.Id) - cpu0) / t0.Elapsed.TotalSeconds;
        var promCores = (CpuSeconds(prometheus.ProcessId) - promCpu0) / t0.Elapsed.TotalSeconds;
        var writes = (api.Store.WriteCount("releases", "replace-status") - writes0) / minutes;
        var after = await OperatorCountersAsync(http, ct);
        var promAfter = await PrometheusQueryTimeAsync(prometheus.Url, ct);
        rss.Add(RssMb(op.Id));
        var peak = RobustnessBenchmark.PeakRssKb(op.Id) / 1024.0;
        var load = $"{loadBefore} → {LoadAverage()}";
        await op.DisposeAsync();

        var largestBytes = 0;
        api.Store.List(type, "bench", item => Observe(() => largestBytes = Math.Max(largestBytes, item["status"]?.ToJsonString().Length ?? 0)));
        var largest = largestBytes / 1024.0;
        var queries = after.Queries - before.Queries;
        var result = new ScaleResult(
            n,
            Pct(latencies, 0.5),
            Pct(latencies, 0.95),
            latencies.Count > 0 ? latencies[^1] : double.NaN,
            cores,
            rss.Average(),
            rss.Max(),
            queries / minutes,
            writes,
            (after.Analyses - before.Analyses) / minutes,
            latencies.Count,
            queries > 0 ? (after.QueryBytes - before.QueryBytes) / queries : 0,
            after.LargestQuery,
            (after.ResponseBytes - before.ResponseBytes) / minutes / 1e6,
            promCores,
            promAfter.Count > promBefore.Count ? (promAfter.Seconds - promBefore.Seconds) / (promAfter.Count - promBefore.Count) * 1000 : 0,
            largest,
            before.Queries - atLaunch.Queries,
            peak,
            load,
            (after.Failures - before.Failures) / minutes,
            n, // every Release's window is open through the run, and each is due once a minute
            after.Untrusted,
            startupPeak
        );
        Console.Error.WriteLine(result);
        Console.Error.WriteLine(
            $"RSS every 2 s of the steady state (MiB): {string.Join(" ", rss.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}"
        );
        return result;
    }

    /// <summary>A list selector that only looks: it runs <paramref name="look"/> and selects nothing, so nothing is copied.</summary>
    private static bool Observe(Action look)
    {
        look();
        return false;
    }

    private static string Name(JsonObject item) => item["metadata"]!["name"]!.GetValue<string>();

    private static string? LastAnalysis(JsonObject item) => item["status"]?["lastAnalysisTime"]?.GetValue<string>();

    /// <summary>A status as a day of analyses leaves it: OK every minute, values with the usual noise.</summary>
    /// <remarks>
    /// The history ends one interval before the operator starts, as after a restart: the latest <paramref name="entries"/>
    /// analyses, the older ones already dropped by the cap. (Runs before 2026-12-04 ended it at deploy + N minutes, 5–35
    /// minutes before the start, so every Release first replayed 5–35 missed intervals: an outage, not a restart.)
    /// </remarks>
    private static void SeedStatus(KubeApiTestServer api, ResourceType type, string name, DateTimeOffset deployed, int entries, Random random)
    {
        var last = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60).AddMinutes(-1);
        var history = Enumerable
            .Range(1, entries)
            .Select(k => last.AddMinutes(k - entries))
            .Select(at => new HistoryEntry
            {
                Time = Rfc3339.Format(at),
                Elapsed = GoDuration.Format(at - deployed),
                Verdict = StatusWire.Word(Verdict.Ok),
                Assessment = StatusWire.Word(Assessment.Ok),
                RiskScore = random.Next(0, 12),
                ErrorRate = Math.Round(0.004 + random.NextDouble() * 0.002, 6),
                ServerErrorRate = Math.Round(0.001 + random.NextDouble() * 0.001, 6),
                LatencyP95 = Math.Round(0.21 + random.NextDouble() * 0.03, 4),
                LatencyP99 = Math.Round(0.38 + random.NextDouble() * 0.06, 4),
                Throughput = Math.Round(29 + random.NextDouble() * 2, 3),
            })
            .ToList();
        var status = new ReleaseStatus
        {
            Phase = StatusWire.Word(ReleasePhase.Analyzing),
            Verdict = StatusWire.Word(Verdict.Ok),
            RiskScore = history[^1].RiskScore,
            ObservedGeneration = 1,
            LastAnalysisTime = history[^1].Time,
            History = history,
        };
        var current = api.Store.Get(type, "bench", name);
        // Sealed with the key the operator is given, as its own earlier writes would be: it trusts them after its start.
        current["status"] = JsonNode.Parse(
            KubernetesJson.Serialize(OperatorProcess.Seal.Sealed(current["metadata"]!["uid"]!.GetValue<string>(), status))
        );
        api.Store.Replace(type, "bench", name, current, statusOnly: true);
    }

    /// <summary>Prometheus' own time spent answering range queries: the sum and count of its request-duration histogram.</summary>
    private static async Task<(double Seconds, double Count)> PrometheusQueryTimeAsync(Uri prometheus, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = prometheus };
        var text = await http.GetStringAsync("metrics", ct);
        double Value(string suffix) =>
            Regex.Match(
                text,
                $@"^prometheus_http_request_duration_seconds_{suffix}\{{handler=""/api/v1/query_range""\}} (\S+)",
                RegexOptions.Multiline
            )
                is { Success: true } m
                ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : 0;
        return (Value("sum"), Value("count"));
    }

    private sealed record OperatorCounters(
        double Queries,
        double Analyses,
        double QueryBytes,
        double ResponseBytes,
        double LargestQuery,
        double Failures,
        double Untrusted
    );

    /// <summary>The machine's 1-minute load average, as /proc/loadavg gives it.</summary>
    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static async Task<OperatorCounters> OperatorCountersAsync(HttpClient http, CancellationToken ct)
    {
        var text = await http.GetStringAsync("/metrics", ct);
        double Value(string name) =>
            Regex.Match(text, $@"^{name} (\S+)", RegexOptions.Multiline) is { Success: true } m
                ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : 0;
        return new(
            Value("releaseradar_prometheus_queries_total"),
            Value("releaseradar_analysis_duration_seconds_count"),
            Value("releaseradar_prometheus_query_bytes_total"),
            Value("releaseradar_prometheus_response_bytes_total"),
            Value("releaseradar_prometheus_largest_query_bytes"),
            Regex
                .Matches(text, @"^releaseradar_analysis_failures_total\{[^}]*\} (\S+)$", RegexOptions.Multiline)
                .Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
            Value("releaseradar_untrusted_statuses_total")
        );
    }

    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0; // utime + stime, in clock ticks of 1/100 s
    }

    private static double RssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, @"\d+").Value) / 1024.0;
    }

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(40));

    private static double Pct(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];

    private static string Report(List<ScaleResult> results, int intervals, ScaleFleet fleet)
    {
        var sb = new StringBuilder();
        sb.Append("# Operator scale\n\n");
        sb.Append(
            $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {MachineInfo.Describe()}. Prometheus, the mock exporter and the Kubernetes API test "
                + $"server ran on the same 2 cores as the operator.\n\n"
        );
        sb.Append(
            $"Each size: a fresh `releaseradar operator` process (4 workers, no leader election) against the API test server holding N "
                + (
                    fleet.History > 0
                        ? "Releases (deployed 5–35 min ago plus the seeded history; 1 min interval, 30 min baseline) "
                        : $"Releases (deployed 5–{SpreadMinutes + 4} min ago, spread over their 2-hour window; 1 min interval, 30 min baseline) "
                )
                + $"over {fleet.Describe()}, then {intervals} minutes of "
                + $"steady state, from the first minute boundary after every Release has its first status (start-up queries: those "
                + "sent before it). CPU is utime+stime over the steady state; RSS is sampled every 2 s, and the peak is the process's "
                + $"whole-life high-water mark (VmHWM, start-up included). Units are MiB. The operator runs with the .NET heap limit a "
                + $"{ChartMemory.OperatorLimitMiB}Mi pod (the chart's limit) gives it "
                + $"(DOTNET_GCHeapHardLimit={ChartMemory.HeapHardLimitBytes / 1024 / 1024} MiB).\n\n"
        );
        sb.Append(
            "| Releases | First status p50 / p95 / max (s) | Operator CPU (cores) | RSS avg / max sampled (MiB) | Prometheus queries / min | "
                + "Analyses / min | Status writes / min |\n|---|---|---|---|---|---|---|\n"
        );
        foreach (var r in results)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"| {r.Releases:#,0} ({r.WithStatus:#,0} with status) | {r.FirstStatusP50:0.0} / {r.FirstStatusP95:0.0} / "
                    + $"{r.FirstStatusMax:0.0} | {r.Cores:0.00} | {r.RssMb:0} / {r.RssMaxMb:0} | {r.QueriesPerInterval:#,0} | "
                    + $"{r.AnalysesPerInterval:#,0} | {r.StatusWritesPerInterval:#,0} |\n"
            );
        sb.Append(
            "\n| Releases | Start-up queries | PromQL bytes per query, mean / max | Answer MB / min | Prometheus CPU (cores) | "
                + "Prometheus range-query time, mean ms | Largest status (KiB) |\n|---|---|---|---|---|---|---|\n"
        );
        foreach (var r in results)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"| {r.Releases:#,0} | {r.StartupQueries:#,0} | {r.QueryBytesMean:#,0} / {r.QueryBytesMax:#,0} | "
                    + $"{r.ResponseMbPerInterval:0.0} | {r.PrometheusCores:0.00} | {r.PrometheusQueryMsMean:0} | {r.LargestStatusKb:0.0} |\n"
            );
        sb.Append(
            "\n| Releases | Peak RSS, whole life (MiB) | Peak by the end of start-up (MiB) | Analyses due / done / failed, per min | Saturated | "
                + "Statuses not trusted | Load (1 min) at start → end |\n|---|---|---|---|---|---|---|\n"
        );
        foreach (var r in results)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"| {r.Releases:#,0} | {r.PeakMiB:0} | {r.StartupPeakMiB:0} | "
                    + $"{r.DuePerInterval:#,0} / {r.AnalysesPerInterval:#,0} / {r.FailedPerInterval:#,0} | "
                    + $"{(r.Saturated ? "**yes: not quoted**" : "no")} | {r.Untrusted:0} | {r.Load} |\n"
            );
        return sb.ToString();
    }

    internal static string Root()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ReleaseRadar.sln")))
                return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
