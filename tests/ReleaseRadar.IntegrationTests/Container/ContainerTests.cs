using System.Diagnostics;
using System.Formats.Tar;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.IntegrationTests.Operator;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests.Container;

/// <summary>
/// Every entry point of the release image, run by a real Docker engine exactly as the chart runs it (read-only root,
/// user 64198, no capabilities, no privilege gain), against the API test server and a real Prometheus on the host network.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContainerTests(ReleaseImage image, BackfilledPrometheus prometheus)
    : IClassFixture<ReleaseImage>,
        IClassFixture<BackfilledPrometheus>,
        IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly List<string> _temporary = [];

    public void Dispose()
    {
        foreach (var dir in _temporary)
            Directory.Delete(dir, recursive: true);
    }

    private string TempDir(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        _temporary.Add(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111); // the container's user 64198 reads (and, for /evidence, writes) it
        return dir;
    }

    [Fact]
    public async Task The_image_prints_its_version_as_the_chart_runs_it_and_has_no_shell_no_root_and_no_secret()
    {
        image.Require();
        var version = await image.RunImageAsync([], ["--version"]);
        Assert.True(version.Exit == 0, version.ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout.Trim());

        var user = await image.DockerAsync(["image", "inspect", "-f", "{{.Config.User}}|{{json .Config.Entrypoint}}|{{.Size}}", image.Tag]);
        var facts = user.Stdout.Trim().Split('|');
        Assert.Equal("64198", facts[0]);
        Assert.Equal("""["/app/releaseradar"]""", facts[1]); // exec form: nothing needs a shell to start
        Console.WriteLine($"container tests: {image.Tag} is {long.Parse(facts[2]) / 1024 / 1024} MiB");

        foreach (var shell in new[] { "/bin/sh", "/bin/bash", "/usr/bin/sh" })
        {
            var r = await image.DockerAsync(["run", "--rm", "--entrypoint", shell, image.Tag, "-c", "true"]);
            Assert.NotEqual(0, r.Exit);
        }

        // Every layer, file by file: no CA bundle from the build machine, no key, no build secret, no package cache.
        var archive = Path.Combine(TempDir("rr-image-"), "image.tar");
        var saved = await image.DockerAsync(["save", "-o", archive, image.Tag], TimeSpan.FromMinutes(5));
        Assert.True(saved.Exit == 0, saved.ToString());
        var hostBundle = Environment.GetEnvironmentVariable("SSL_CERT_FILE") is { } f && File.Exists(f) ? await File.ReadAllBytesAsync(f, Ct) : null;
        var found = new List<string>();
        var files = 0;
        var sawBinary = false;
        await using (var outer = new TarReader(File.OpenRead(archive)))
            while (await outer.GetNextEntryAsync(copyData: true, Ct) is { } layer)
            {
                if (!layer.Name.EndsWith(".tar", StringComparison.Ordinal) && !layer.Name.StartsWith("blobs/", StringComparison.Ordinal))
                    continue;
                if (layer.DataStream is null)
                    continue;
                try
                {
                    await using var inner = new TarReader(layer.DataStream);
                    while (await inner.GetNextEntryAsync(copyData: true, Ct) is { } entry)
                    {
                        files++;
                        var name = "/" + entry.Name.TrimStart('.', '/');
                        sawBinary |= name == "/app/releaseradar";
                        if (
                            name.Contains("/run/secrets", StringComparison.Ordinal)
                            || name.EndsWith(".key", StringComparison.Ordinal)
                            || name.EndsWith(".pfx", StringComparison.Ordinal)
                            || name.Contains("/.nuget/", StringComparison.Ordinal)
                            || name.Contains("/.npm/", StringComparison.Ordinal)
                            || name.Contains("id_rsa", StringComparison.Ordinal)
                        )
                            found.Add(name);
                        if (hostBundle is not null && entry.DataStream is { } data && data.Length == hostBundle.Length)
                        {
                            using var copy = new MemoryStream();
                            await data.CopyToAsync(copy, Ct);
                            if (copy.ToArray().AsSpan().SequenceEqual(hostBundle))
                                found.Add(name + " (this machine's CA bundle)");
                        }
                    }
                }
                catch (InvalidDataException)
                {
                    continue; // a config blob in an OCI layout, not a layer
                }
            }
        // The walk reached the files the image is known to hold (a native image has only a few dozen files).
        Assert.True(
            sawBinary && files > 20,
            $"{files} files seen in the layers, /app/releaseradar {(sawBinary ? "" : "not ")}among them: the layer walk is broken"
        );
        Assert.Empty(found);
    }

    [Fact]
    public async Task Analyze_in_the_container_gives_the_documented_exit_codes()
    {
        image.Require();
        PrometheusRequirement.EnsureAvailable();
        var dir = TempDir("rr-analyze-");
        await File.WriteAllTextAsync(Path.Combine(dir, "good.yaml"), BackfilledPrometheus.ReleaseYaml("good"), Ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "bad.yaml"), BackfilledPrometheus.ReleaseYaml("errors"), Ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "broken.yaml"), "apiVersion: releaseradar.io/v1alpha1\nkind: Release\nspec: [", Ct);
        var at = BackfilledPrometheus.Deploy.AddMinutes(40).ToString("yyyy-MM-ddTHH:mm:ssZ");
        Task<ProcessResult> Analyze(string file) =>
            image.RunImageAsync(
                ["-v", $"{dir}:/in:ro"],
                ["analyze", "-f", "/in/" + file, "--prometheus", prometheus.Server!.Url.ToString(), "--at", at, "-o", "json"]
            );

        var good = await Analyze("good.yaml");
        Assert.True(good.Exit == 0, good.ToString());
        Assert.Equal("OK", JsonNode.Parse(good.Stdout)!["verdict"]!.GetValue<string>());
        var bad = await Analyze("bad.yaml");
        Assert.True(bad.Exit == 2, bad.ToString());
        var broken = await Analyze("broken.yaml");
        Assert.True(broken.Exit == 1, broken.ToString());
        Assert.Contains("broken.yaml", broken.Stderr);
        Assert.Empty(broken.Stdout);
    }

    [Fact]
    public async Task Export_in_the_container_writes_valid_evidence_into_a_mounted_volume()
    {
        image.Require();
        PrometheusRequirement.EnsureAvailable();
        await using var h = await OperatorHarness.StartAsync();
        await h.ApplyAnalyzedAsync(
            "shop",
            OperatorHarness.ReleaseJson("checkout-bad", "errors", BackfilledPrometheus.Deploy),
            prometheus.Server!.Url,
            BackfilledPrometheus.Deploy.AddHours(1),
            Ct
        );
        var kube = TempDir("rr-kube-");
        File.Copy(h.Kubeconfig, Path.Combine(kube, "config"));
        File.SetUnixFileMode(Path.Combine(kube, "config"), (UnixFileMode)0b110_100_100);
        var evidence = TempDir("rr-evidence-");

        var r = await image.RunImageAsync(
            ["-v", $"{kube}:/kube:ro", "-v", $"{evidence}:/evidence"],
            ["export", "--kubeconfig", "/kube/config", "--output", "/evidence"]
        );
        Assert.True(r.Exit == 0, r.ToString());
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(evidence, "release-risk-report.json"), Ct))!;
        var release = report.AsArray().Single()!;
        Assert.Equal("checkout-bad", release["name"]!.GetValue<string>());
        Assert.Equal(StatusWire.Word(Verdict.Risky), release["classification"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(evidence, "release-risk-summary.md")));
    }

    [Fact]
    public async Task The_operator_in_the_container_answers_its_probes_gives_a_verdict_and_stops_cleanly_on_SIGTERM()
    {
        image.Require();
        PrometheusRequirement.EnsureAvailable();
        await using var h = await OperatorHarness.StartAsync();
        var kube = TempDir("rr-kube-");
        File.Copy(h.Kubeconfig, Path.Combine(kube, "config"));
        File.SetUnixFileMode(Path.Combine(kube, "config"), (UnixFileMode)0b110_100_100);
        var port = LocalPrometheus.FreePort();
        var name = $"rr-operator-{Guid.NewGuid():N}"[..24];
        var start = await image.DockerAsync([
            "run",
            "-d",
            "--name",
            name,
            .. ReleaseImage.AsTheChartRunsIt,
            "-v",
            $"{kube}:/kube:ro",
            image.Tag,
            "operator",
            "--kubeconfig",
            "/kube/config",
            "--no-leader-election",
            "--listen",
            $"127.0.0.1:{port}",
            "--prometheus",
            prometheus.Server!.Url.ToString(),
        ]);
        Assert.True(start.Exit == 0, start.ToString());
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            string? ready = null;
            while (DateTime.UtcNow < deadline && ready != "ok")
            {
                try
                {
                    ready = await http.GetStringAsync("/readyz", Ct);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(500, Ct);
                }
            }
            Assert.True(ready == "ok", (await image.DockerAsync(["logs", name])).ToString());
            Assert.Equal("ok", await http.GetStringAsync("/healthz", Ct));

            h.Apply("releases", "shop", OperatorHarness.ReleaseJson("checkout-bad", "errors", BackfilledPrometheus.Deploy));
            JsonObject r;
            try
            {
                r = await h.WaitForAsync("releases", "shop", "checkout-bad", o => OperatorHarness.Verdict(o) is not null, TimeSpan.FromSeconds(60));
            }
            catch (Xunit.Sdk.XunitException e)
            {
                Assert.Fail($"{e.Message}\noperator logs:\n{await image.DockerAsync(["logs", name])}");
                throw;
            }
            Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));
            Assert.Contains("releaseradar_reconciles_total", await http.GetStringAsync("/metrics", Ct));
            var api = await http.GetFromJsonAsync<JsonArray>("/releases", Ct);
            Assert.Contains(api!, x => x!["name"]!.GetValue<string>() == "checkout-bad");

            var watch = Stopwatch.StartNew();
            var stop = await image.DockerAsync(["stop", "-t", "30", name], TimeSpan.FromSeconds(60)); // SIGTERM, SIGKILL after 30 s
            watch.Stop();
            Assert.True(stop.Exit == 0, stop.ToString());
            var exit = await image.DockerAsync(["inspect", "-f", "{{.State.ExitCode}}", name]);
            Assert.Equal("0", exit.Stdout.Trim()); // 137 would mean it was killed at the end of the grace period
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(25), $"stopping took {watch.Elapsed.TotalSeconds:0.0} s");
            var logs = await image.DockerAsync(["logs", name]);
            Assert.Contains("Controller stopped", logs.Stdout + logs.Stderr);
        }
        finally
        {
            await image.DockerAsync(["rm", "-f", name]);
        }
    }

    [Fact]
    public async Task The_mock_exporter_in_the_container_is_scraped_by_a_real_prometheus()
    {
        image.Require();
        PrometheusRequirement.EnsureAvailable();
        var port = LocalPrometheus.FreePort();
        var name = $"rr-exporter-{Guid.NewGuid():N}"[..24];
        var start = await image.DockerAsync([
            "run",
            "-d",
            "--name",
            name,
            .. ReleaseImage.AsTheChartRunsIt,
            image.Tag,
            "mock-exporter",
            "--listen",
            $"127.0.0.1:{port}",
        ]);
        Assert.True(start.Exit == 0, start.ToString());
        try
        {
            await using var server = await LocalPrometheus.StartAsync([$"127.0.0.1:{port}"], TimeSpan.FromSeconds(1), cancellationToken: Ct);
            using var client = new PrometheusClient(new PrometheusOptions { Url = server.Url });
            var deadline = DateTime.UtcNow.AddSeconds(45);
            double requests = 0;
            while (DateTime.UtcNow < deadline && requests <= 0)
            {
                await Task.Delay(1000, Ct);
                var r = await client.QueryAsync("sum(http_requests_total)", DateTimeOffset.UtcNow, Ct);
                requests = r.Series.Count == 0 ? 0 : r.Series[0].Points[0].Value;
            }
            Assert.True(
                requests > 0,
                "Prometheus never scraped requests from the exporter in the container: " + (await image.DockerAsync(["logs", name]))
            );
            var up = await client.QueryAsync("up", DateTimeOffset.UtcNow, Ct);
            Assert.Equal(1, up.Series.Single().Points[0].Value);
        }
        finally
        {
            await image.DockerAsync(["rm", "-f", name]);
        }
    }
}
