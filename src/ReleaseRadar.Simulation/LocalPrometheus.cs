using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReleaseRadar.Simulation;

/// <summary>
/// A real Prometheus server started on a free loopback port with its own temporary config and data directory,
/// for the demo, the integration tests and the benchmarks. Optionally seeded with backfilled TSDB blocks. It lives with
/// the simulation, not in the Prometheus adapter the operator ships to query a production server.
/// </summary>
public sealed class LocalPrometheus : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    /// <summary>The temporary directory this server created (its config, and its data unless one was given): removed on dispose.</summary>
    private readonly string _workDirectory;

    public Uri Url { get; }
    public string DataDirectory { get; }

    /// <summary>The server's process id, for benchmarks that read its CPU time from /proc.</summary>
    public int ProcessId => _process.Id;
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    private LocalPrometheus(Process process, Uri url, string dataDirectory, string workDirectory)
    {
        _workDirectory = workDirectory;
        _process = process;
        Url = url;
        DataDirectory = dataDirectory;
    }

    /// <summary>Finds the prometheus binary: an explicit path, $PROMETHEUS_BINARY, or PATH.</summary>
    public static string? FindBinary(string name = "prometheus", string? explicitPath = null)
    {
        if (explicitPath is not null)
            return File.Exists(explicitPath) ? explicitPath : null;
        var env = Environment.GetEnvironmentVariable(name.ToUpperInvariant() + "_BINARY");
        if (!string.IsNullOrEmpty(env) && File.Exists(env))
            return env;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <param name="scrapeTargets">host:port targets scraped at <paramref name="scrapeInterval"/>; empty for a backfill-only server.</param>
    /// <param name="dataDirectory">An existing TSDB directory (e.g. filled by promtool); a temporary one otherwise.</param>
    public static async Task<LocalPrometheus> StartAsync(
        IEnumerable<string> scrapeTargets,
        TimeSpan scrapeInterval,
        string? dataDirectory = null,
        string? binary = null,
        CancellationToken cancellationToken = default
    )
    {
        var exe =
            FindBinary("prometheus", binary)
            ?? throw new InvalidOperationException(
                "Prometheus is not installed: install it with 'sudo apt-get install -y prometheus' (Debian/Ubuntu) or set PROMETHEUS_BINARY "
                    + "to its path."
            );
        var root = Directory.CreateTempSubdirectory("releaseradar-prom-").FullName;
        var data = dataDirectory ?? Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        var interval = $"{Math.Max(1, (int)scrapeInterval.TotalSeconds)}s";
        var targets = string.Join(", ", scrapeTargets.Select(t => $"'{t}'"));
        var config = Path.Combine(root, "prometheus.yml");
        await File.WriteAllTextAsync(
            config,
            $"""
            global:
              scrape_interval: {interval}
              evaluation_interval: {interval}
            scrape_configs:
              - job_name: mock
                scrape_interval: {interval}
                scrape_timeout: {interval}
                static_configs:
                  - targets: [{targets}]
            """,
            cancellationToken
        );

        var port = FreePort();
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (
            var arg in new[]
            {
                $"--config.file={config}",
                $"--storage.tsdb.path={data}",
                $"--web.listen-address=127.0.0.1:{port}",
                // Backfilled scenarios may lie years in the past; never let retention delete them mid-benchmark.
                "--storage.tsdb.retention.time=100y",
                "--web.enable-admin-api",
                "--log.level=warn",
                "--query.lookback-delta=5m",
            }
        )
            psi.ArgumentList.Add(arg);

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        var server = new LocalPrometheus(process, new Uri($"http://127.0.0.1:{port}/"), data, root);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (server._log)
                    server._log.AppendLine(e.Data);
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (server._log)
                    server._log.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw new InvalidOperationException($"Prometheus exited with code {process.ExitCode} at start-up:\n{server.Log}");
            try
            {
                var r = await http.GetAsync(new Uri(server.Url, "-/ready"), cancellationToken);
                if (r.IsSuccessStatusCode)
                    return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested) { }
            await Task.Delay(200, cancellationToken);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"Prometheus did not become ready within 60s:\n{server.Log}");
    }

    /// <summary>Runs promtool to turn an OpenMetrics file into TSDB blocks inside <paramref name="dataDirectory"/>.</summary>
    public static async Task BackfillAsync(string openMetricsFile, string dataDirectory, CancellationToken cancellationToken = default)
    {
        var promtool =
            FindBinary("promtool")
            ?? throw new InvalidOperationException("promtool is not installed: it ships with Prometheus ('sudo apt-get install -y prometheus').");
        Directory.CreateDirectory(dataDirectory);
        var psi = new ProcessStartInfo(promtool)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "tsdb", "create-blocks-from", "openmetrics", openMetricsFile, dataDirectory })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = p.StandardError.ReadToEndAsync(cancellationToken);
        await p.WaitForExitAsync(cancellationToken);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"promtool create-blocks-from openmetrics failed ({p.ExitCode}): {await stderr}{await stdout}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException) { }
        catch (TimeoutException) { }
        _process.Dispose();
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException) { } // a file still held open: left for the system's temp cleaning
        catch (UnauthorizedAccessException) { }
    }
}
