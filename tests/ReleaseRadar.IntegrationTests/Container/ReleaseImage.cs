using System.Diagnostics;

namespace ReleaseRadar.IntegrationTests.Container;

/// <summary>
/// The release image, built once per test run by scripts/build-image.sh (official base images where they can be pulled,
/// Debian stand-ins where not), or taken from $RELEASERADAR_TEST_IMAGE. Skipped, with the reason, only where no Docker
/// engine is reachable; a build that fails is a failure.
/// </summary>
public sealed class ReleaseImage : IAsyncLifetime
{
    public const string DefaultTag = "release-radar:test";
    public string Tag { get; private set; } = DefaultTag;
    public string? SkipReason { get; private set; }
    public string? BuildFailure { get; private set; }
    public string Docker { get; private set; } = "docker";
    public TimeSpan BuildTime { get; private set; }

    /// <summary>How the chart runs every container: read-only root, the chart's user, no capabilities, no privilege gain.</summary>
    public static readonly string[] AsTheChartRunsIt =
    [
        "--read-only",
        "--tmpfs",
        "/tmp",
        "--user",
        "64198",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--network",
        "host",
    ];

    public async ValueTask InitializeAsync()
    {
        // The same client choice as the scripts: a newer CLI without buildx cannot drive BuildKit on this engine.
        var client = await RunAsync("bash", ["-c", "source scripts/docker-client.sh && echo \"$DOCKER\""], TimeSpan.FromSeconds(30));
        if (client.Exit != 0)
        {
            SkipReason = client.Stderr.Trim();
            if (Environment.GetEnvironmentVariable("RELEASERADAR_REQUIRE_DOCKER") == "1")
                (BuildFailure, SkipReason) = (SkipReason, null);
            return;
        }
        Docker = client.Stdout.Trim();
        if (Environment.GetEnvironmentVariable("RELEASERADAR_TEST_IMAGE") is { Length: > 0 } given)
        {
            Tag = given;
            return;
        }
        var watch = Stopwatch.StartNew();
        var build = await RunAsync(RepoPaths.Of("scripts", "build-image.sh"), [Tag], TimeSpan.FromMinutes(40));
        BuildTime = watch.Elapsed;
        Console.WriteLine($"container tests: {Tag} built in {BuildTime.TotalSeconds:0} s\n{Tail(build.Stdout, 5)}");
        if (build.Exit != 0)
            BuildFailure = $"scripts/build-image.sh failed ({build.Exit}):\n{Tail(build.Stdout, 20)}\n{Tail(build.Stderr, 30)}";
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Skips (no engine here) or fails (the build failed) before a test uses the image.</summary>
    public void Require()
    {
        if (BuildFailure is { } failure)
            Assert.Fail(failure);
        if (SkipReason is { } reason)
            Assert.Skip(reason);
    }

    public Task<ProcessResult> DockerAsync(IEnumerable<string> args, TimeSpan? timeout = null) =>
        RunAsync(Docker, args, timeout ?? TimeSpan.FromMinutes(2));

    /// <summary>docker run --rm, as the chart runs it, with extra docker options and then the image's arguments.</summary>
    public Task<ProcessResult> RunImageAsync(IEnumerable<string> dockerOptions, IEnumerable<string> args, TimeSpan? timeout = null) =>
        DockerAsync(["run", "--rm", .. AsTheChartRunsIt, .. dockerOptions, Tag, .. args], timeout);

    public static async Task<ProcessResult> RunAsync(
        string file,
        IEnumerable<string> args,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null
    )
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            info.Environment[k] = v;
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new ProcessResult(-1, await stdout, $"timed out after {timeout}: {await stderr}");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.TrimEnd().Split('\n').TakeLast(lines));
}
