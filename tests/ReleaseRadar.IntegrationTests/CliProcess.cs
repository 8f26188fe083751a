using System.Diagnostics;

namespace ReleaseRadar.IntegrationTests;

/// <summary>Runs the real `releaseradar` executable (built next to the tests) and captures what a user would see.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "releaseradar.dll");

    public static Task<Result> RunAsync(params string[] args) => RunProgramAsync("dotnet", [Dll, .. args]);

    /// <summary>
    /// Runs a long-lived command (a server) until <paramref name="ready"/> holds, then stops it with SIGTERM as a terminal
    /// or an orchestrator would, and returns what it printed.
    /// </summary>
    public static Task<Result> RunUntilAsync(Func<Task<bool>> ready, params string[] args) => RunProgramAsync("dotnet", [Dll, .. args], until: ready);

    /// <summary>
    /// Runs any program (the CLI, kubectl) with <paramref name="environment"/> added, to its end; with
    /// <paramref name="until"/>, stops it with SIGTERM once that holds (or after 60 s).
    /// </summary>
    public static async Task<Result> RunProgramAsync(
        string file,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null,
        Func<Task<bool>>? until = null
    )
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("RELEASERADAR_PROMETHEUS_URL");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (until is not null)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!p.HasExited && DateTime.UtcNow < deadline && !await until())
                await Task.Delay(100);
            if (!p.HasExited)
                using (var term = Process.Start("kill", ["-TERM", $"{p.Id}"]))
                    await term.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(until is null ? TimeSpan.FromMinutes(2) : TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<string> Written = Cleanup();

    private static System.Collections.Concurrent.ConcurrentBag<string> Cleanup()
    {
        var written = new System.Collections.Concurrent.ConcurrentBag<string>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var f in written)
                File.Delete(f);
        };
        return written;
    }

    /// <summary>A temporary manifest for one CLI run; removed when the test process exits.</summary>
    public static string TempFile(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rr-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, content);
        Written.Add(path);
        return path;
    }
}
