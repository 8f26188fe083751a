using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// One Deployment's afternoon, played against the API test server and a real Prometheus, with the operator's and the
/// API server's clocks moved together minute by minute: v1 (healthy), v2 (a 5xx regression, rollback: Undo), the Undo,
/// then v3 (healthy) judged against v1's window rather than against the pre-deploy hour v2 spoiled.
/// </summary>
public sealed class ReleaseStoryTests(SequencePrometheus prometheus) : IClassFixture<SequencePrometheus>
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private const string Deployments = "PATCH /apis/apps/v1/namespaces/shop/deployments/checkout";

    private static string ReleaseJson(string version, string rollback) =>
        $$$"""
            {"apiVersion":"releaseradar.io/v1alpha1","kind":"Release","metadata":{"name":"checkout-{{{version}}}"},
             "spec":{"version":"{{{version}}}","target":{"name":"checkout"},"selector":{"service":"checkout","scenario":"sequence"},
                     "rollback":"{{{rollback}}}"}}
            """;

    private static string? Phase(JsonObject release) => release["status"]?["phase"]?.GetValue<string>();

    private static IEnumerable<DateTimeOffset> AnalysisTimes(JsonObject release) =>
        (release["status"]?["history"]?.AsArray() ?? []).Select(e => DateTimeOffset.Parse(e!["time"]!.GetValue<string>()));

    [Fact]
    public async Task V1_then_a_bad_v2_undone_then_v3_each_judged_on_its_own_traffic_and_v3_against_v1s_window()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await OperatorHarness.StartAsync();
        var server = new FakeTimeProvider(SequencePrometheus.Start);
        h.Api.Store.Clock = server;
        var clock = new FakeTimeProvider(SequencePrometheus.Start);
        h.Apply(
            "deployments",
            "shop",
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"checkout"},
             "spec":{"selector":{"matchLabels":{"app":"checkout"}},
                     "template":{"metadata":{"labels":{"app":"checkout"}},"spec":{"containers":[{"name":"app","image":"shop/checkout:v0"}]}}}}
            """,
            "apps",
            "v1"
        );
        var app = await h.StartOperatorAsync(prometheus.Server!.Url, clock);
        var active = new List<string>();

        // Each minute: both clocks on, then wait until every Release still running has analysed up to it and scheduled its
        // next interval (advancing past a requeue not yet scheduled would skip an analysis).
        async Task AdvanceToAsync(DateTimeOffset until, Func<bool>? stop = null)
        {
            while (clock.GetUtcNow() < until && stop?.Invoke() != true)
            {
                clock.Advance(Minute);
                server.SetUtcNow(clock.GetUtcNow());
                await CaughtUpAsync(app);
            }
        }
        async Task CaughtUpAsync(WebApplication operatorApp)
        {
            var now = clock.GetUtcNow();
            foreach (var name in active.ToList())
            {
                var r = await h.WaitForAsync(
                    "releases",
                    "shop",
                    name,
                    o => Phase(o) is "WarmingUp" or "Completed" or "Superseded" || AnalysisTimes(o).Any(t => t >= now)
                );
                if (Phase(r) is "Completed" or "Superseded")
                    active.Remove(name);
            }
            if (active.Count > 0)
            {
                await OperatorHarness.WaitForRequeueAsync(operatorApp, active.Count);
            }
        }
        async Task RollOutAsync(string version, string rollback)
        {
            await h.SetImageAsync("shop", "checkout", $"shop/checkout:{version}");
            // The hook creates the Release a little after the rollout; its deploy time is the ReplicaSet's, not its own.
            server.Advance(TimeSpan.FromSeconds(20));
            h.Apply("releases", "shop", ReleaseJson(version, rollback));
            active.Add($"checkout-{version}");
            await h.WaitForAsync("releases", "shop", $"checkout-{version}", o => o["status"]?["binding"] is not null);
        }

        await AdvanceToAsync(SequencePrometheus.V1);
        await RollOutAsync("v1", "None");
        await AdvanceToAsync(SequencePrometheus.V2);
        var v1 = await h.WaitForAsync("releases", "shop", "checkout-v1", o => Phase(o) == "Completed");
        Assert.Equal(StatusWire.Word(Verdict.Ok), v1["status"]!["verdict"]!.GetValue<string>());

        await RollOutAsync("v2", "Undo");
        await AdvanceToAsync(SequencePrometheus.V3, () => Phase(h.Get("releases", "shop", "checkout-v2")) == "Superseded");
        var v2 = await h.WaitForAsync("releases", "shop", "checkout-v2", o => Phase(o) == "Superseded");
        Assert.Equal(StatusWire.Word(Verdict.Risky), v2["status"]!["verdict"]!.GetValue<string>());
        var superseded = v2["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Superseded")!;
        Assert.Equal("RolledBack", superseded["reason"]!.GetValue<string>());
        Assert.Equal("3", v2["status"]!["binding"]!["revision"]!.GetValue<string>());
        // Its verdict rests only on its own revision's traffic: every analysis between its rollout and the rollback.
        Assert.NotEmpty(AnalysisTimes(v2));
        Assert.All(AnalysisTimes(v2), t => Assert.InRange(t, SequencePrometheus.V2, SequencePrometheus.RolledBack));
        var d = h.Get("deployments", "shop", "checkout", "apps", "v1");
        Assert.Equal("shop/checkout:v1", d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        // The Undo is a JSON patch; one merge patch before it (the risky verdict's annotation), the test's own rollouts besides.
        List<string> patches;
        lock (h.Api.RequestLog)
            patches = [.. h.Api.RequestLog.Where(l => l.StartsWith(Deployments, StringComparison.Ordinal))];
        Assert.Single(patches, l => l.Contains("json-patch", StringComparison.Ordinal));
        var patchesAtUndo = patches.Count;

        // v3 hour before its rollout holds v2's bad minutes: its baseline is v1's window instead.
        await AdvanceToAsync(SequencePrometheus.V3);
        await RollOutAsync("v3", "Annotate");
        await AdvanceToAsync(SequencePrometheus.V3.AddMinutes(31));
        var v3 = await h.WaitForAsync("releases", "shop", "checkout-v3", o => Phase(o) == "Completed");
        Assert.Equal(StatusWire.Word(Verdict.Ok), v3["status"]!["verdict"]!.GetValue<string>());
        var baseline = v3["status"]!["baselineWindow"]!;
        Assert.Equal("LastGoodRelease", baseline["source"]!.GetValue<string>());
        Assert.Equal(v1["status"]!["analysisWindow"]!["start"]!.GetValue<string>(), baseline["start"]!.GetValue<string>());
        Assert.Equal(v1["status"]!["analysisWindow"]!["end"]!.GetValue<string>(), baseline["end"]!.GetValue<string>());
        Assert.Contains(v3["status"]!["reasons"]!.AsArray(), r => r!.GetValue<string>().Contains("checkout-v1", StringComparison.Ordinal));
        Assert.Equal("checkout-v2", v3["status"]!["predecessor"]!["name"]!.GetValue<string>());
        Assert.All(AnalysisTimes(v3), t => Assert.True(t > SequencePrometheus.V3));

        // After the Undo, the only writes to the Deployment are the test's own v3 rollout and v3's annotations: v2,
        // superseded, never wrote again.
        lock (h.Api.RequestLog)
            patches = [.. h.Api.RequestLog.Where(l => l.StartsWith(Deployments, StringComparison.Ordinal))];
        var v3Annotations = v3["status"]!["actions"]!.AsArray().Count(a => a!["action"]!.GetValue<string>() == "Annotate");
        Assert.InRange(v3Annotations, 1, 3); // once per verdict change (not enough data at first, then the final one)
        Assert.Equal(["strategic-merge-patch", .. Enumerable.Repeat("merge-patch", v3Annotations)], patches.Skip(patchesAtUndo).Select(Kind));
        var annotations = h.Get("deployments", "shop", "checkout", "apps", "v1")["metadata"]!["annotations"]!;
        Assert.Equal("checkout-v3", annotations["releaseradar.io/release"]!.GetValue<string>());
        Assert.Equal("checkout-v2", annotations["releaseradar.io/rolled-back-by"]!.GetValue<string>());
    }

    private static string Kind(string logLine) =>
        logLine[(logLine.LastIndexOf("application/", StringComparison.Ordinal) + "application/".Length)..].Split('+', ';', ')')[0];
}
