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

    private OperatorProcess(Process process, HttpClient http)
    {
        _process = process;
        Http = http;
    }

    /// <summary>Starts the operator with these arguments (after `operator --listen …`) and waits until /healthz answers.</summary>
    public static async Task<OperatorProcess> StartAsync(
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment,
        CancellationToken ct
    )
    {
        var port = LocalPrometheus.FreePort();
        // $RELEASERADAR_BINARY measures a published binary (the image's native one); by default the JIT build beside us.
        var binary = Environment.GetEnvironmentVariable("RELEASERADAR_BINARY");
        var psi = new ProcessStartInfo(string.IsNullOrEmpty(binary) ? "dotnet" : binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (string.IsNullOrEmpty(binary))
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "releaseradar.dll"));
        psi.ArgumentList.Add("operator");
        psi.ArgumentList.Add("--listen");
        psi.ArgumentList.Add($"127.0.0.1:{port}");
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
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
