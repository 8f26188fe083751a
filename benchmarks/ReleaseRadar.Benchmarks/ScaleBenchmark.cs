using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
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
    int WithStatus
);

/// <summary>
/// N active Releases against a real Prometheus (2 h of backfilled history for 20 services, then live scraping of the mock
/// exporter), the API test server holding the Releases, and `releaseradar operator` as a separate process whose CPU and
/// RSS are read from /proc. Each size runs a fresh operator for a fixed number of one-minute intervals.
/// </summary>
public static class ScaleBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<int> sizes, int intervals, string output, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("rr-scale-").FullName;
        var services = Enumerable.Range(0, 20).Select(i => $"svc{i:00}").ToList();
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
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60);
        var writer = new OpenMetricsHistoryWriter();
        writer.Simulate(new ScenarioRunner(file, now.AddHours(-2)), now.AddHours(-2), now.AddMinutes(-3), TimeSpan.FromSeconds(15));
        var om = Path.Combine(work, "history.om");
        await using (var text = File.CreateText(om))
            writer.Write(text);
        await LocalPrometheus.BackfillAsync(om, Path.Combine(work, "data"), ct);
        var exporterPort = LocalPrometheus.FreePort();
        await using var exporter = MockExporterServer.Build(new ScenarioRunner(file, DateTimeOffset.UtcNow), $"http://127.0.0.1:{exporterPort}");
        await exporter.StartAsync(ct);
        await using var prometheus = await LocalPrometheus.StartAsync(
            [$"127.0.0.1:{exporterPort}"],
            TimeSpan.FromSeconds(15),
            Path.Combine(work, "data"),
            cancellationToken: ct
        );
        Console.Error.WriteLine($"prometheus {prometheus.Url} with 2h of history for {services.Count} services");

        var results = new List<ScaleResult>();
        foreach (var n in sizes)
            results.Add(await RunSizeAsync(n, intervals, services, prometheus.Url, work, ct));

        Directory.CreateDirectory(output);
        var report = Report(results, intervals);
        await File.WriteAllTextAsync(Path.Combine(output, "results.md"), report, ct);
        Console.WriteLine(report);
        return 0;
    }

    private static async Task<ScaleResult> RunSizeAsync(
        int n,
        int intervals,
        List<string> services,
        Uri prometheus,
        string work,
        CancellationToken ct
    )
    {
        var crd = Path.Combine(Root(), "config", "crd", "releases.releaseradar.io.yaml");
        await using var api = await KubeApiTestServer.StartAsync([crd], cancellationToken: ct);
        var kubeconfig = api.WriteKubeconfig(Path.Combine(work, $"kube-{n}"));
        var type = api.Type("releaseradar.io", "v1alpha1", "releases");
        var metricsPort = LocalPrometheus.FreePort();

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
                "operator",
                "--kubeconfig",
                kubeconfig,
                "--prometheus",
                prometheus.ToString(),
                "--no-leader-election",
                "--no-auto-track",
                "--listen",
                $"127.0.0.1:{metricsPort}",
                "--concurrency",
                "4",
            }
        )
            psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        using var op = Process.Start(psi)!;
        op.OutputDataReceived += (_, _) => { };
        op.ErrorDataReceived += (_, _) => { };
        op.BeginOutputReadLine();
        op.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        for (var i = 0; i < 100; i++)
        {
            try
            {
                await http.GetStringAsync("/healthz", ct);
                break;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200, ct);
            }
        }

        // Releases deployed 5–35 minutes ago, analysed every minute over a 2-hour window, spread over the 20 services.
        var created = new DateTimeOffset[n];
        var firstStatus = new DateTimeOffset?[n];
        var start = DateTimeOffset.UtcNow;
        api.Store.EnsureNamespace(api.Type("", "v1", "namespaces"), "bench"); // the API test server refuses objects in a missing namespace
        for (var i = 0; i < n; i++)
        {
            var deployedAt = DateTimeOffset.UtcNow.AddMinutes(-5 - i % 30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            api.Store.Create(
                type,
                "bench",
                new JsonObject
                {
                    ["apiVersion"] = "releaseradar.io/v1alpha1",
                    ["kind"] = "Release",
                    ["metadata"] = new JsonObject { ["name"] = $"r{i:00000}" },
                    ["spec"] = new JsonObject
                    {
                        ["version"] = $"v{i}",
                        ["deployedAt"] = deployedAt,
                        ["selector"] = new JsonObject { ["service"] = services[i % services.Count] },
                        ["baseline"] = new JsonObject { ["window"] = "30m" },
                        ["analysis"] = new JsonObject
                        {
                            ["window"] = "2h",
                            ["interval"] = "1m",
                            ["warmup"] = "2m",
                        },
                    },
                }
            );
            created[i] = DateTimeOffset.UtcNow;
        }
        Console.Error.WriteLine($"{n} releases created in {(DateTimeOffset.UtcNow - start).TotalSeconds:0.0}s");

        var deadline = DateTimeOffset.UtcNow.AddMinutes(5);
        while (DateTimeOffset.UtcNow < deadline && firstStatus.Any(f => f is null))
        {
            var (items, _) = api.Store.List(type, "bench", _ => true);
            var seen = DateTimeOffset.UtcNow;
            foreach (var item in items)
                if (
                    item["status"]?["observedGeneration"] is not null
                    && int.TryParse(item["metadata"]!["name"]!.GetValue<string>()[1..], out var idx)
                    && firstStatus[idx] is null
                )
                    firstStatus[idx] = seen;
            await Task.Delay(250, ct);
        }
        var latencies = Enumerable
            .Range(0, n)
            .Where(i => firstStatus[i] is not null)
            .Select(i => (firstStatus[i]!.Value - created[i]).TotalSeconds)
            .Order()
            .ToList();
        Console.Error.WriteLine($"{latencies.Count}/{n} have a status; p50 {Pct(latencies, 0.5):0.0}s");

        // Steady state: whole intervals, CPU from /proc/<pid>/stat, RSS sampled every 2 s.
        var cpu0 = CpuSeconds(op.Id);
        var writes0 = api.Store.WriteCount("releases", "replace-status");
        var (queries0, analyses0) = await OperatorCountersAsync(http, ct);
        var t0 = Stopwatch.StartNew();
        var rss = new List<double>();
        while (t0.Elapsed < TimeSpan.FromMinutes(intervals))
        {
            rss.Add(RssMb(op.Id));
            await Task.Delay(2000, ct);
        }
        var minutes = t0.Elapsed.TotalMinutes;
        var cores = (CpuSeconds(op.Id) - cpu0) / t0.Elapsed.TotalSeconds;
        var writes = (api.Store.WriteCount("releases", "replace-status") - writes0) / minutes;
        var (queries1, analyses1) = await OperatorCountersAsync(http, ct);
        op.Kill(entireProcessTree: true);
        await op.WaitForExitAsync(ct);
        var result = new ScaleResult(
            n,
            Pct(latencies, 0.5),
            Pct(latencies, 0.95),
            latencies.Count > 0 ? latencies[^1] : double.NaN,
            cores,
            rss.Average(),
            rss.Max(),
            (queries1 - queries0) / minutes,
            writes,
            (analyses1 - analyses0) / minutes,
            latencies.Count
        );
        Console.Error.WriteLine(result);
        return result;
    }

    private static async Task<(double Queries, double Analyses)> OperatorCountersAsync(HttpClient http, CancellationToken ct)
    {
        var text = await http.GetStringAsync("/metrics", ct);
        double Value(string pattern) =>
            Regex.Match(text, pattern, RegexOptions.Multiline) is { Success: true } m
                ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
                : 0;
        return (Value(@"^releaseradar_prometheus_queries_total (\S+)"), Value(@"^releaseradar_analysis_duration_seconds_count (\S+)"));
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

    private static double Pct(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, q * sorted.Count)];

    private static string Report(List<ScaleResult> results, int intervals)
    {
        var sb = new StringBuilder();
        sb.Append("# Operator scale\n\n");
        sb.Append(
            $"Measured {DateTime.UtcNow:yyyy-MM-dd} on {MachineInfo.Describe()}. Prometheus, the mock exporter and the Kubernetes API test "
                + $"server ran on the same 2 cores as the operator.\n\n"
        );
        sb.Append(
            $"Each size: a fresh `releaseradar operator` process (4 workers, no leader election) against the API test server holding N "
                + $"Releases (deployed 5–35 min ago, 1 min interval, 30 min baseline, spread over 20 services), then {intervals} minutes of "
                + $"steady state. CPU is the operator's utime+stime over that time; RSS is sampled every 2 s.\n\n"
        );
        sb.Append(
            "| Releases | First status p50 / p95 / max (s) | Operator CPU (cores) | RSS avg / max (MB) | Prometheus queries / min | "
                + "Analyses / min | Status writes / min |\n|---|---|---|---|---|---|---|\n"
        );
        foreach (var r in results)
            sb.Append(
                CultureInfo.InvariantCulture,
                $"| {r.Releases:#,0} ({r.WithStatus:#,0} with status) | {r.FirstStatusP50:0.0} / {r.FirstStatusP95:0.0} / "
                    + $"{r.FirstStatusMax:0.0} | {r.Cores:0.00} | {r.RssMb:0} / {r.RssMaxMb:0} | {r.QueriesPerInterval:#,0} | "
                    + $"{r.AnalysesPerInterval:#,0} | {r.StatusWritesPerInterval:#,0} |\n"
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
