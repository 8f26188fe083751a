using System.Diagnostics;

namespace ReleaseRadar.IntegrationTests;

/// <summary>Runs the real `releaseradar` executable (built next to the tests) and captures what a user would see.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(params string[] args)
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
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(cts.Token);
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs a long-lived command (a server) until <paramref name="ready"/> holds, then stops it with SIGTERM as a terminal
    /// or an orchestrator would, and returns what it printed.
    /// </summary>
    public static async Task<Result> RunUntilAsync(Func<Task<bool>> ready, params string[] args)
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
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!p.HasExited && DateTime.UtcNow < deadline && !await ready())
            await Task.Delay(100);
        if (!p.HasExited)
            using (var term = Process.Start("kill", ["-TERM", $"{p.Id}"]))
                await term.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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
