using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// `releaseradar get` as a process against the Kubernetes API test server, at the terminal sizes people have, and as a
/// kubectl plugin found by the real kubectl's plugin discovery.
/// </summary>
public sealed class GetCommandTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static async Task<OperatorHarness> ClusterAsync(Uri url)
    {
        var ct = TestContext.Current.CancellationToken;
        var h = await OperatorHarness.StartAsync();
        foreach (var (name, scenario) in new[] { ("checkout-good", "good"), ("checkout-bad", "errors") })
            await h.ApplyAnalyzedAsync(
                "shop",
                OperatorHarness.ReleaseJson(name, scenario, BackfilledPrometheus.Deploy),
                url,
                BackfilledPrometheus.Deploy.AddHours(1),
                ct
            );
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("checkout-next", "good", DateTimeOffset.UtcNow.AddMinutes(5)));
        return h;
    }

    /// <summary>Runs a program; with <paramref name="stopAfter"/>, stops it with SIGTERM then.</summary>
    private static Task<CliProcess.Result> RunAsync(
        string file,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string> env,
        TimeSpan? stopAfter = null
    )
    {
        var stopAt = DateTime.UtcNow + (stopAfter ?? TimeSpan.Zero);
        return CliProcess.RunProgramAsync(file, args, env, stopAfter is null ? null : () => Task.FromResult(DateTime.UtcNow >= stopAt));
    }

    private static Task<CliProcess.Result> GetAsync(string kubeconfig, int width, int height, TimeSpan? stopAfter, params string[] args) =>
        RunAsync(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "releaseradar.dll"), "get", "--kubeconfig", kubeconfig, .. args],
            new Dictionary<string, string> { ["COLUMNS"] = $"{width}", ["LINES"] = $"{height}" },
            stopAfter
        );

    private static void Fits(string frame, int width, int height)
    {
        var lines = frame.TrimEnd('\n').Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= width, $"{l.TrimEnd().Length} columns of {width}: {l}"));
        Assert.True(lines.Length <= height, $"{lines.Length} lines for a {height}-line terminal:\n{frame}");
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(200, 50)]
    public async Task All_releases_fit_the_terminal_with_verdicts_values_and_history(int width, int height)
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await ClusterAsync(prometheus.Server!.Url);
        var r = await GetAsync(h.Kubeconfig, width, height, null, "-n", "shop");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Fits(r.Stdout, width, height);
        var bad = r.Stdout.Split('\n').First(l => l.Contains("checkout-bad", StringComparison.Ordinal) && l.Contains('%'));
        Assert.Contains(StatusWire.Word(Verdict.Risky), bad);
        Assert.Matches(@"\d+\.\d+%.*\d+ms", bad);
        Assert.Matches("[▁▂▃▄▅▆▇█]{5,}", bad); // the risk score per analysis
        Assert.Contains("checkout-next", r.Stdout); // not deployed yet: listed, with no verdict
        if (width >= 150)
            Assert.Matches(@"\d+\.\d+% \(\d+\.\d+%\)", bad); // the baseline beside the release's value
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(200, 50)]
    public async Task One_release_shows_each_metric_against_its_baseline_and_its_reasons(int width, int height)
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await ClusterAsync(prometheus.Server!.Url);
        var r = await GetAsync(h.Kubeconfig, width, height, null, "checkout-bad", "-n", "shop");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Fits(r.Stdout, width, height);
        Assert.Contains("Release shop/checkout-bad  v2  commit abc1234", r.Stdout);
        Assert.Contains(StatusWire.Word(Verdict.Risky), r.Stdout);
        Assert.Matches(@"5xx rate\s+│\s+\d+\.\d+%\s+│\s+\d+\.\d+%\s+│\s+up \d+%\s+│\s+[▁▂▃▄▅▆▇█]{10,}", r.Stdout);
        Assert.Matches(@"deployed \d+d\d+h ago", r.Stdout); // an age a person reads, not to the second
        Assert.Contains("reasons:", r.Stdout);
        Assert.Contains("- 5xx rate up", r.Stdout);

        var missing = await GetAsync(h.Kubeconfig, width, height, null, "nope", "-n", "shop");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Release nope not found in namespace shop", missing.Stderr);
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(200, 50)]
    public async Task Watch_redraws_and_every_frame_fits(int width, int height)
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await ClusterAsync(prometheus.Server!.Url);
        var r = await GetAsync(h.Kubeconfig, width, height, TimeSpan.FromSeconds(6), "-n", "shop", "--watch", "--interval", "1s");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var frames = r.Stdout.Split("Release Radar  ", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(frames.Length >= 2, $"{frames.Length} frames:\n{r.Stdout}");
        foreach (var frame in frames)
            Fits("Release Radar  " + frame, width, height);
    }

    [Fact]
    public async Task Kubectl_finds_it_as_a_plugin_and_runs_it()
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await ClusterAsync(prometheus.Server!.Url);
        // As docs/cli.md installs it: a link named kubectl-releaseradar to the releaseradar executable, on PATH.
        var bin = Directory.CreateTempSubdirectory("rr-plugin-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(bin, "kubectl-releaseradar"), Path.Combine(AppContext.BaseDirectory, "releaseradar"));
            var dotnetRoot = Path.GetFullPath(
                Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")
            );
            var env = new Dictionary<string, string>
            {
                ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
                ["KUBECONFIG"] = h.Kubeconfig,
                ["DOTNET_ROOT"] = dotnetRoot,
                ["COLUMNS"] = "120",
                ["LINES"] = "40",
            };
            var kubectl = Packaging.Tools.Require("kubectl");
            var list = await RunAsync(kubectl, ["plugin", "list"], env);
            Assert.Contains(Path.Combine(bin, "kubectl-releaseradar"), list.Stdout);
            var get = await RunAsync(kubectl, ["releaseradar", "get", "-n", "shop"], env);
            Assert.True(get.ExitCode == 0, get.Stderr);
            Assert.Contains(StatusWire.Word(Verdict.Risky), get.Stdout);
            Assert.Contains("checkout-good", get.Stdout);
            // kubectl hands the process over to the plugin, so --watch runs until it is stopped, as kubectl get -w does.
            var watch = await RunAsync(kubectl, ["releaseradar", "get", "-n", "shop", "--watch", "--interval", "1s"], env, TimeSpan.FromSeconds(5));
            Assert.True(watch.ExitCode == 0, watch.Stderr);
            Assert.True(watch.Stdout.Split("Release Radar  ").Length >= 3, watch.Stdout);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }
}
