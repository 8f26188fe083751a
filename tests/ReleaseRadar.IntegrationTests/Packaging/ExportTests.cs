using System.Text.Json.Nodes;
using NJsonSchema;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.IntegrationTests.Operator;

namespace ReleaseRadar.IntegrationTests.Packaging;

public sealed class ExportTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static async Task<JsonSchema> Schema(string file) => await JsonSchema.FromFileAsync(Path.Combine(Tools.Root, "docs", "schemas", file));

    private static async Task AssertValidAsync(string schemaFile, string json)
    {
        var errors = (await Schema(schemaFile)).Validate(json);
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public async Task Export_reads_the_cluster_and_writes_deterministic_schema_valid_evidence()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await OperatorHarness.StartAsync();
        foreach (var (name, scenario) in new[] { ("checkout-good", "good"), ("checkout-bad", "errors") })
            await h.ApplyAnalyzedAsync(
                "shop",
                OperatorHarness.ReleaseJson(name, scenario, BackfilledPrometheus.Deploy),
                prometheus.Server!.Url,
                BackfilledPrometheus.Deploy.AddHours(1),
                ct
            );
        // not analysed yet: exported as pending
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("checkout-new", "good", BackfilledPrometheus.Deploy));

        var first = Directory.CreateTempSubdirectory("rr-export-").FullName;
        var second = Directory.CreateTempSubdirectory("rr-export-").FullName;
        foreach (var dir in new[] { first, second })
        {
            var r = await CliProcess.RunAsync("export", "--kubeconfig", h.Kubeconfig, "--output", dir, "--generated-at", "2026-03-02T12:00:00Z");
            Assert.True(r.ExitCode == 0, r.Stderr);
        }

        var combined = await File.ReadAllTextAsync(Path.Combine(first, "release-risk-report.json"), ct);
        var reports = JsonNode.Parse(combined)!.AsArray();
        Assert.Equal(["checkout-bad", "checkout-good", "checkout-new"], reports.Select(r => r!["name"]!.GetValue<string>()).Order());
        Assert.Equal(
            StatusWire.Word(Verdict.Risky),
            reports.Single(r => r!["name"]!.GetValue<string>() == "checkout-bad")!["classification"]!.GetValue<string>()
        );
        Assert.Equal(
            StatusWire.Classification(null, null),
            reports.Single(r => r!["name"]!.GetValue<string>() == "checkout-new")!["classification"]!.GetValue<string>()
        );
        foreach (var report in reports)
            await AssertValidAsync("release-risk-report.schema.json", report!.ToJsonString());
        await AssertValidAsync(
            "release-risk-report.schema.json",
            await File.ReadAllTextAsync(Path.Combine(first, "releases", "shop", "checkout-bad", "release-risk-report.json"), ct)
        );
        await AssertValidAsync("release-timeline.schema.json", await File.ReadAllTextAsync(Path.Combine(first, "release-timeline.json"), ct));
        var summary = await File.ReadAllTextAsync(Path.Combine(first, "release-risk-summary.md"), ct);
        Assert.Contains($"## shop/checkout-bad (v2): {StatusWire.Word(Verdict.Risky)}", summary);

        // What an auditor needs, in each report: the windows, the selector and queries, the thresholds, the tool's version,
        // and the values under keys that name their units beside the founding brief's.
        var bad = reports.Single(r => r!["name"]!.GetValue<string>() == "checkout-bad")!;
        Assert.Equal("v2", bad["version"]!.GetValue<string>());
        Assert.NotNull(bad["windows"]!["release"]!["start"]);
        Assert.NotNull(bad["windows"]!["baseline"]!["end"]);
        Assert.Equal("PreDeploy", bad["windows"]!["baseline_source"]!.GetValue<string>());
        Assert.Contains("checkout", bad["analysis"]!["selector"]!["service"]!.GetValue<string>());
        Assert.Contains("service=\"checkout", bad["analysis"]!["queries"]!["requests"]!.GetValue<string>());
        Assert.Contains("_bucket", bad["analysis"]!["queries"]!["latency_buckets"]!.GetValue<string>());
        Assert.Equal(1.2, bad["analysis"]!["thresholds"]!["latency_p95"]!["min_ratio"]!.GetValue<double>());
        Assert.Equal(25, bad["analysis"]!["thresholds"]!["latency_p95"]!["min_increase"]!.GetValue<double>()); // 25 ms, not 0.025
        Assert.False(string.IsNullOrEmpty(bad["tool_version"]!.GetValue<string>()));
        Assert.Equal(bad["metrics"]!["error_rate"]!.GetValue<double>(), bad["metrics"]!["error_rate_ratio"]!.GetValue<double>());
        Assert.Equal(bad["baseline"]!["latency_p95"]!.GetValue<double>(), bad["baseline"]!["latency_p95_ms"]!.GetValue<double>());
        Assert.InRange(bad["baseline"]!["latency_p95_ms"]!.GetValue<double>(), 20, 5000); // milliseconds, not seconds
        // Every release has its reasons in the summary, OK ones included.
        var good = summary[summary.IndexOf("## shop/checkout-good", StringComparison.Ordinal)..];
        Assert.Matches(@"^## shop/checkout-good \(v2\): OK\n\nJudged on [^\n]+ against the baseline [^\n]+\n\n- ", good);
        Assert.Contains("- Rollback: none", good);

        // With the operator's defaults, the reports show the thresholds those give.
        var third = Directory.CreateTempSubdirectory("rr-export-").FullName;
        var defaults = CliProcess.TempFile("analysis:\n  riskyScore: 40\n");
        var withDefaults = await CliProcess.RunAsync("export", "--kubeconfig", h.Kubeconfig, "--output", third, "--defaults", defaults);
        Assert.True(withDefaults.ExitCode == 0, withDefaults.Stderr);
        var defaulted = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(third, "release-risk-report.json"), ct))!.AsArray();
        Assert.All(defaulted, r => Assert.Equal(40, r!["analysis"]!["risky_score"]!.GetValue<double>()));
        Assert.All(reports, r => Assert.Equal(25, r!["analysis"]!["risky_score"]!.GetValue<double>()));

        foreach (var file in Directory.GetFiles(first, "*", SearchOption.AllDirectories))
            Assert.Equal(
                await File.ReadAllBytesAsync(file, ct),
                await File.ReadAllBytesAsync(Path.Combine(second, Path.GetRelativePath(first, file)), ct)
            );
    }

    [Fact]
    public async Task A_killed_export_leaves_the_previous_set_whole_and_the_next_drops_deleted_releases()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = await OperatorHarness.StartAsync();
        for (var i = 0; i < 3000; i++)
            h.Apply("releases", "shop", OperatorHarness.ReleaseJson($"r{i:0000}", "good", BackfilledPrometheus.Deploy));
        var root = Directory.CreateTempSubdirectory("rr-export-").FullName;
        var output = Path.Combine(root, "evidence");
        var first = await CliProcess.RunAsync("export", "--kubeconfig", h.Kubeconfig, "--output", output);
        Assert.True(first.ExitCode == 0, first.Stderr);
        var before = Snapshot(output);
        Assert.Equal(3000 + 3, before.Count);

        // The cluster changes, and the next export is killed while it writes (kill -9: no clean-up of any kind).
        h.Api.Store.Delete(h.Api.Type("releaseradar.io", "v1alpha1", "releases"), "shop", "r0000");
        var killed = false;
        for (var attempt = 0; attempt < 5 && !killed; attempt++)
            killed = await KillMidwayAsync(["export", "--kubeconfig", h.Kubeconfig, "--output", output], root, ct);
        Assert.True(killed, "no export was caught writing its staging set");
        Assert.Equal(before, Snapshot(output));

        var next = await CliProcess.RunAsync("export", "--kubeconfig", h.Kubeconfig, "--output", output);
        Assert.True(next.ExitCode == 0, next.Stderr);
        Assert.False(Directory.Exists(Path.Combine(output, "releases", "shop", "r0000")));
        Assert.Equal(2999 + 3, Snapshot(output).Count);
        Assert.Equal(["evidence"], Directory.GetFileSystemEntries(root).Select(Path.GetFileName)); // no staging set left behind
    }

    /// <summary>Starts the CLI and kills it once its staging set holds some files; false when it finished first.</summary>
    private static async Task<bool> KillMidwayAsync(string[] args, string root, CancellationToken ct)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "releaseradar.dll"));
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        while (!p.HasExited)
        {
            var staging = Directory.GetDirectories(root, ".evidence.staging-*").FirstOrDefault();
            if (staging is not null && Directory.GetFiles(staging, "*", SearchOption.AllDirectories).Length > 50)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync(ct);
                return true;
            }
            await Task.Delay(5, ct);
        }
        return false;
    }

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory
            .GetFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(
                f => Path.GetRelativePath(dir, f),
                f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))
            );

    [Fact]
    public async Task Export_without_a_cluster_fails_with_a_clear_message()
    {
        var r = await CliProcess.RunAsync("export", "--kubeconfig", "/nonexistent/kubeconfig", "--output", Path.GetTempPath());
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no kubeconfig at /nonexistent/kubeconfig", r.Stderr);
    }

    [Fact]
    public async Task The_committed_demo_evidence_matches_the_schemas()
    {
        var dir = Path.Combine(Tools.Root, ".evidence");
        var reports = JsonNode
            .Parse(await File.ReadAllTextAsync(Path.Combine(dir, "release-risk-report.json"), TestContext.Current.CancellationToken))!
            .AsArray();
        Assert.Equal(3, reports.Count);
        foreach (var report in reports)
            await AssertValidAsync("release-risk-report.schema.json", report!.ToJsonString());
        await AssertValidAsync(
            "release-timeline.schema.json",
            await File.ReadAllTextAsync(Path.Combine(dir, "release-timeline.json"), TestContext.Current.CancellationToken)
        );
        Assert.Equal(["OK", StatusWire.Word(Verdict.Risky)], reports.Take(2).Select(r => r!["classification"]!.GetValue<string>()));
        // The demo's v2 was undone: its Rollback says when and to which revision (v1's, revision 2; v0 is revision 1).
        Assert.Matches(@"^rolled back at \+\d+ s to revision 2$", reports[1]!["rollback"]!.GetValue<string>());
        Assert.Equal("none", reports[2]!["rollback"]!.GetValue<string>());
        var summary = await File.ReadAllTextAsync(Path.Combine(dir, "release-risk-summary.md"), TestContext.Current.CancellationToken);
        Assert.Matches(@"\| demo/checkout-v2 \|[^\n]+\| rolled back at \+\d+ s to revision 2 \|", summary);
        // v3 is OK, and its reasons say why its rise was not blamed on it: the control rose too.
        var v3 = summary[summary.IndexOf("## demo/checkout-v3 (v3): OK", StringComparison.Ordinal)..];
        Assert.Matches(@"\n- Error rate up [^\n]+ but the control rose too", v3);
    }
}
