using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.KubeApiServer;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// Two real operator processes with leader election. The leader is frozen with SIGSTOP while it waits on Prometheus,
/// the other replica takes the Lease, and the frozen one is resumed: its analysis then completes, and it must not write.
/// </summary>
public sealed class PausedLeaderTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    [Fact]
    public async Task A_leader_resumed_after_SIGSTOP_writes_nothing_once_another_replica_leads()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "SIGSTOP and SIGCONT are sent with kill(1), on Linux");
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await OperatorHarness.StartAsync();
        // Every Prometheus answer is held back, so the leader is frozen in the middle of an analysis it will want to save.
        await using var slow = await SlowPrometheus.StartAsync(prometheus.Server!.Url, TimeSpan.FromSeconds(1.5));
        var dir = Path.GetDirectoryName(h.Kubeconfig)!;
        await using var a = OperatorProcess.Start(
            h.Api.WriteKubeconfig(dir, "replica-a", h.Api.Rbac.IssueAdminToken("replica-a")),
            "replica-a",
            slow.Url
        );
        await h.WaitForAsync(
            "leases",
            "default",
            "release-radar-leader",
            o => o["spec"]?["holderIdentity"]?.GetValue<string>() == "replica-a",
            TimeSpan.FromSeconds(30),
            "coordination.k8s.io",
            "v1"
        );
        await using var b = OperatorProcess.Start(
            h.Api.WriteKubeconfig(dir, "replica-b", h.Api.Rbac.IssueAdminToken("replica-b")),
            "replica-b",
            slow.Url
        );

        string[] names = ["p1", "p2", "p3", "p4"];
        foreach (var n in names)
            h.Apply("releases", "shop", OperatorHarness.ReleaseJson(n, "errors", BackfilledPrometheus.Deploy));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (slow.InFlight == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20, ct);
        Assert.True(slow.InFlight > 0, "the leader never queried Prometheus; its log:\n" + a.Output());
        a.Signal("STOP");

        await h.WaitForAsync(
            "leases",
            "default",
            "release-radar-leader",
            o => o["spec"]?["holderIdentity"]?.GetValue<string>() == "replica-b",
            TimeSpan.FromSeconds(30),
            "coordination.k8s.io",
            "v1"
        );
        DateTimeOffset takeover;
        lock (h.Api.Served)
            takeover = h
                .Api.Served.First(q => q.User == "replica-b" && q.IsWrite && q.Path.Contains("/leases/", StringComparison.Ordinal) && q.Status < 300)
                .At;
        a.Signal("CONT");

        foreach (var n in names)
            Assert.Equal(
                StatusWire.Word(Verdict.Risky),
                OperatorHarness.Verdict(
                    await h.WaitForAsync("releases", "shop", n, o => OperatorHarness.Verdict(o) is not null, TimeSpan.FromSeconds(60))
                )
            );
        // Once the resumed replica says it stopped leading, its controller and every reconcile it had in flight have ended.
        var stopped = DateTime.UtcNow.AddSeconds(30);
        while (!a.Output().Contains("replica-a stopped leading", StringComparison.Ordinal) && DateTime.UtcNow < stopped)
            await Task.Delay(50, ct);
        Assert.Contains("replica-a stopped leading", a.Output());

        List<ServedRequest> fromA,
            fromB;
        lock (h.Api.Served)
        {
            fromA =
            [
                .. h.Api.Served.Where(q =>
                    q.User == "replica-a" && q.IsWrite && !q.Path.Contains("/leases/", StringComparison.Ordinal) && q.At > takeover
                ),
            ];
            fromB = [.. h.Api.Served.Where(q => q.User == "replica-b" && q.IsWrite && q.Path.Contains("/releases/", StringComparison.Ordinal))];
        }
        Assert.True(fromA.Count == 0, "the resumed replica wrote after losing the Lease:\n" + string.Join("\n", fromA) + "\nits log:\n" + a.Output());
        Assert.NotEmpty(fromB); // the new leader did the work: the assertion above is about something that happens
    }

    /// <summary>A pass-through to the real Prometheus that holds every answer back, and counts what it holds.</summary>
    private sealed class SlowPrometheus : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _http = new();
        private int _inFlight;
        public Uri Url { get; }
        public int InFlight => Volatile.Read(ref _inFlight);

        private SlowPrometheus(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public static async Task<SlowPrometheus> StartAsync(Uri upstream, TimeSpan delay)
        {
            var port = LocalPrometheus.FreePort();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var proxy = new SlowPrometheus(app, new Uri($"http://127.0.0.1:{port}/"));
            app.Map(
                "/{**path}",
                async (HttpContext ctx) =>
                {
                    Interlocked.Increment(ref proxy._inFlight);
                    try
                    {
                        using var request = new HttpRequestMessage(
                            new HttpMethod(ctx.Request.Method),
                            new Uri(upstream, ctx.Request.Path + ctx.Request.QueryString)
                        );
                        if (ctx.Request.ContentLength > 0 || ctx.Request.Method == "POST")
                        {
                            using var body = new MemoryStream();
                            await ctx.Request.Body.CopyToAsync(body);
                            request.Content = new ByteArrayContent(body.ToArray());
                            if (ctx.Request.ContentType is { } type)
                                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
                        }
                        using var response = await proxy._http.SendAsync(request);
                        var bytes = await response.Content.ReadAsByteArrayAsync();
                        await Task.Delay(delay);
                        ctx.Response.StatusCode = (int)response.StatusCode;
                        ctx.Response.ContentType = response.Content.Headers.ContentType?.ToString();
                        await ctx.Response.Body.WriteAsync(bytes);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref proxy._inFlight);
                    }
                }
            );
            await app.StartAsync();
            return proxy;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _http.Dispose();
        }
    }

    /// <summary>`releaseradar operator` as its own process, with short Lease timings so a takeover happens within seconds.</summary>
    private sealed class OperatorProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private OperatorProcess(Process process) => _process = process;

        private static string SealKeyFile(string directory)
        {
            var path = Path.Combine(directory, "status-seal.key");
            if (!File.Exists(path))
                File.WriteAllText(path, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
            return path;
        }

        public static OperatorProcess Start(string kubeconfig, string identity, Uri prometheusUrl)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            string[] args =
            [
                Path.Combine(AppContext.BaseDirectory, "releaseradar.dll"),
                "operator",
                "--kubeconfig",
                kubeconfig,
                "--identity",
                identity,
                "--prometheus",
                prometheusUrl.ToString(),
                "--listen",
                $"127.0.0.1:{LocalPrometheus.FreePort()}",
                "--lease-namespace",
                "default",
                "--lease-duration",
                "3s",
                "--renew-deadline",
                "2s",
                "--retry-period",
                "500ms",
                "--concurrency",
                "2",
                "--no-auto-track",
                // Both replicas seal with one key, as the chart's Secret gives them: the new leader trusts the old one's statuses.
                "--status-seal-key-file",
                SealKeyFile(Path.GetDirectoryName(kubeconfig)!),
            ];
            foreach (var arg in args)
                psi.ArgumentList.Add(arg);
            psi.Environment.Remove("RELEASERADAR_PROMETHEUS_URL");
            var p = new Process { StartInfo = psi };
            var op = new OperatorProcess(p);
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                    lock (op._output)
                        op._output.AppendLine(e.Data);
            };
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                    lock (op._output)
                        op._output.AppendLine(e.Data);
            };
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return op;
        }

        public string Output()
        {
            lock (_output)
                return _output.ToString();
        }

        public void Signal(string signal)
        {
            using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                Signal("CONT"); // a stopped process cannot act on SIGKILL's cleanup until it runs again
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
