using System.Diagnostics;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// `releaseradar get` as a process against the Kubernetes API test server, at the terminal sizes people have, and as a
/// kubectl plugin found by the real kubectl's plugin discovery.
/// </summary>
public sealed class GetCommandTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private sealed record Run(int Exit, string Out, string Err);

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

    /// <summary>Runs a program with the terminal size a shell exports; with <paramref name="stopAfter"/>, stops it with SIGTERM then.</summary>
    private static async Task<Run> RunAsync(
        string file,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string> env,
        TimeSpan? stopAfter = null
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
        foreach (var (k, v) in env)
            psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stopAfter is { } after)
        {
            await Task.Delay(after);
            using var term = Process.Start("kill", ["-TERM", $"{p.Id}"]);
            await term.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return new Run(p.ExitCode, await stdout, await stderr);
    }

    private static Task<Run> GetAsync(string kubeconfig, int width, int height, TimeSpan? stopAfter, params string[] args) =>
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
        Assert.True(r.Exit == 0, r.Err);
        Fits(r.Out, width, height);
        var bad = r.Out.Split('\n').First(l => l.Contains("checkout-bad", StringComparison.Ordinal) && l.Contains('%'));
        Assert.Contains(StatusWire.Word(Verdict.Risky), bad);
        Assert.Matches(@"\d+\.\d+%.*\d+ms", bad);
        Assert.Matches("[▁▂▃▄▅▆▇█]{5,}", bad); // the risk score per analysis
        Assert.Contains("checkout-next", r.Out); // not deployed yet: listed, with no verdict
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
        Assert.True(r.Exit == 0, r.Err);
        Fits(r.Out, width, height);
        Assert.Contains("Release shop/checkout-bad  v2  commit abc1234", r.Out);
        Assert.Contains(StatusWire.Word(Verdict.Risky), r.Out);
        Assert.Matches(@"5xx rate\s+│\s+\d+\.\d+%\s+│\s+\d+\.\d+%\s+│\s+up \d+%\s+│\s+[▁▂▃▄▅▆▇█]{10,}", r.Out);
        Assert.Matches(@"deployed \d+d\d+h ago", r.Out); // an age a person reads, not to the second
        Assert.Contains("reasons:", r.Out);
        Assert.Contains("- 5xx rate up", r.Out);

        var missing = await GetAsync(h.Kubeconfig, width, height, null, "nope", "-n", "shop");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("Release nope not found in namespace shop", missing.Err);
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(200, 50)]
    public async Task Watch_redraws_and_every_frame_fits(int width, int height)
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await ClusterAsync(prometheus.Server!.Url);
        var r = await GetAsync(h.Kubeconfig, width, height, TimeSpan.FromSeconds(6), "-n", "shop", "--watch", "--interval", "1s");
        Assert.True(r.Exit == 0, r.Err);
        var frames = r.Out.Split("Release Radar  ", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(frames.Length >= 2, $"{frames.Length} frames:\n{r.Out}");
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
            Assert.Contains(Path.Combine(bin, "kubectl-releaseradar"), list.Out);
            var get = await RunAsync(kubectl, ["releaseradar", "get", "-n", "shop"], env);
            Assert.True(get.Exit == 0, get.Err);
            Assert.Contains(StatusWire.Word(Verdict.Risky), get.Out);
            Assert.Contains("checkout-good", get.Out);
            // kubectl hands the process over to the plugin, so --watch runs until it is stopped, as kubectl get -w does.
            var watch = await RunAsync(kubectl, ["releaseradar", "get", "-n", "shop", "--watch", "--interval", "1s"], env, TimeSpan.FromSeconds(5));
            Assert.True(watch.Exit == 0, watch.Err);
            Assert.True(watch.Out.Split("Release Radar  ").Length >= 3, watch.Out);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }
}
