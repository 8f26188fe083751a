using System.Diagnostics;
using System.Text;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Benchmarks;

/// <summary>
/// `releaseradar operator` as a separate process, as a cluster runs it, listening on a free loopback port. Disposing it kills
/// the process tree, so a benchmark that throws never leaves an operator running behind it.
/// </summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public HttpClient Http { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>
    /// The benchmarks' status seal key, as the chart's Secret gives the operator one: the scale benchmark seals the statuses
    /// it seeds with it (<see cref="Seal"/>), so the operator trusts them as its own, as after a restart.
    /// </summary>
    public static readonly byte[] SealKey = Encoding.UTF8.GetBytes("release-radar-benchmark-seal-key");

    public static ReleaseRadar.Operator.Store.StatusSeal Seal { get; } = new(SealKey);

    private static readonly Lazy<string> SealKeyPath = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"rr-bench-seal-{Environment.ProcessId}.key");
        File.WriteAllBytes(path, SealKey);
        return path;
    });

    private static string SealKeyFile => SealKeyPath.Value;

    private OperatorProcess(Process process, HttpClient http)
    {
        _process = process;
        Http = http;
    }

    /// <summary>
    /// The `releaseradar` executable, its output redirected: $RELEASERADAR_BINARY measures a published binary (the image's
    /// native one); by default the JIT build beside us.
    /// </summary>
    public static ProcessStartInfo Cli()
    {
        var binary = Environment.GetEnvironmentVariable("RELEASERADAR_BINARY");
        var psi = new ProcessStartInfo(string.IsNullOrEmpty(binary) ? "dotnet" : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (string.IsNullOrEmpty(binary))
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "releaseradar.dll"));
        return psi;
    }

    /// <summary>Starts the operator with these arguments (after `operator --listen …`) and waits until /healthz answers.</summary>
    public static async Task<OperatorProcess> StartAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment,
        CancellationToken ct
    )
    {
        var port = LocalPrometheus.FreePort();
        var psi = Cli();
        psi.ArgumentList.Add("operator");
        psi.ArgumentList.Add("--listen");
        psi.ArgumentList.Add($"127.0.0.1:{port}");
        psi.ArgumentList.Add("--status-seal-key-file");
        psi.ArgumentList.Add(SealKeyFile);
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        // The .NET heap limit the chart's pod gives it: the runtime takes 75 % of a container's memory limit.
        psi.Environment["DOTNET_GCHeapHardLimit"] = ChartMemory.HeapHardLimitBytes.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment)
        {
            if (value is null)
                psi.Environment.Remove(name);
            else
                psi.Environment[name] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start releaseradar operator");
        var op = new OperatorProcess(process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
        process.OutputDataReceived += (_, e) => op.Append(e.Data);
        process.ErrorDataReceived += (_, e) => op.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            for (var i = 0; ; i++)
            {
                try
                {
                    await op.Http.GetStringAsync("/healthz", ct);
                    return op;
                }
                catch (HttpRequestException) when (i < 150 && !process.HasExited)
                {
                    await Task.Delay(200, ct);
                }
            }
        }
        catch
        {
            await op.DisposeAsync();
            throw;
        }
    }

    private void Append(string? line)
    {
        lock (_log)
            _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException) { } // never started, or already reaped
        Http.Dispose();
        _process.Dispose();
    }
}
