using System.Text.Json.Nodes;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// The gate answers from the verdict the operator computed: a status someone else changed is not trusted, and the
/// operator re-derives it from Prometheus, even once the Release is Completed (which it otherwise never rewrites).
/// </summary>
public sealed class StatusSealTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static readonly DateTimeOffset Deploy = BackfilledPrometheus.Deploy;

    [Fact]
    public async Task A_verdict_forged_in_a_completed_status_is_re_derived_from_prometheus_with_an_event()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await OperatorHarness.StartAsync();
        var port = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System, port: port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var risky = StatusWire.Word(Verdict.Risky);
        var completed = StatusWire.Word(ReleasePhase.Completed);

        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("forged", "errors", Deploy));
        var judged = await h.WaitForAsync("releases", "shop", "forged", o => o["status"]?["phase"]?.GetValue<string>() == completed);
        Assert.Equal(risky, OperatorHarness.Verdict(judged));
        Assert.NotNull(judged["status"]!["seal"]);
        Assert.Contains("\"fail\"", await GateAsync(http, ct), StringComparison.Ordinal);

        // Someone with write access to releases/status turns the risky verdict into a pass.
        judged["status"]!["verdict"] = StatusWire.Word(Verdict.Ok);
        judged["status"]!["riskScore"] = 0;
        var forged = h.Api.Store.Replace(h.Api.Type("releaseradar.io", "v1alpha1", "releases"), "shop", "forged", judged, statusOnly: true);
        var forgedVersion = forged["metadata"]!["resourceVersion"]!.GetValue<string>();

        var rederived = await h.WaitForAsync(
            "releases",
            "shop",
            "forged",
            o => o["metadata"]!["resourceVersion"]!.GetValue<string>() != forgedVersion && OperatorHarness.Verdict(o) == risky
        );
        Assert.Equal(completed, rederived["status"]!["phase"]!.GetValue<string>());
        var events = await h.WaitForListAsync("", "v1", "events", "shop", l => l.Any(e => e["reason"]!.GetValue<string>() == "StatusNotSealed"));
        var said = events.First(e => e["reason"]!.GetValue<string>() == "StatusNotSealed")["message"]!.GetValue<string>();
        Assert.Contains($"verdict {StatusWire.Word(Verdict.Ok)}", said, StringComparison.Ordinal);
        Assert.Contains("\"fail\"", await GateAsync(http, ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_the_operator_wrote_stays_trusted_across_a_restart_and_no_event_says_otherwise()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await OperatorHarness.StartAsync();
        var first = await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("kept", "good", Deploy));
        var judged = await h.WaitForAsync(
            "releases",
            "shop",
            "kept",
            o => o["status"]?["phase"]?.GetValue<string>() == StatusWire.Word(ReleasePhase.Completed)
        );
        await h.StopAsync(first);

        var port = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System, port: port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string gate;
        do
        {
            gate = await GateAsync(http, ct, "kept");
            if (gate.Contains("\"pass\"", StringComparison.Ordinal))
                break;
            await Task.Delay(200, ct);
        } while (DateTime.UtcNow < deadline);
        Assert.Contains("\"pass\"", gate, StringComparison.Ordinal);
        // Same status, same version: the restarted operator took it as its own and rewrote nothing.
        var after = h.Get("releases", "shop", "kept");
        Assert.Equal(judged["metadata"]!["resourceVersion"]!.ToString(), after["metadata"]!["resourceVersion"]!.ToString());
        var (unsealed, _) = h.Api.Store.List(h.Api.Type("", "v1", "events"), "shop", e => e["reason"]?.ToString() == "StatusNotSealed");
        Assert.Empty(unsealed);
    }

    private static Task<string> GateAsync(HttpClient http, CancellationToken ct, string name = "forged") =>
        http.GetStringAsync($"/gate/shop/{name}", ct);
}
