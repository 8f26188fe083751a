using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// Releases in sequence on one Deployment, as a cluster runs them: the API test server gives every rollout its
/// ReplicaSet, revision and creation time (its clock set to when the backfilled traffic says the rollout happened), the
/// operator binds each Release to its rollout, supersedes it when the Deployment moves on, and undoes only what it judged.
/// </summary>
public sealed class ReleaseSequenceTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static readonly DateTimeOffset Deploy = BackfilledPrometheus.Deploy;

    private Uri PrometheusUrl()
    {
        PrometheusRequirement.EnsureAvailable();
        return prometheus.Server!.Url;
    }

    private static string DeploymentJson(string image) =>
        """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"checkout"},
             "spec":{"selector":{"matchLabels":{"app":"checkout"}},
                     "template":{"metadata":{"labels":{"app":"checkout"}},"spec":{"containers":[{"name":"app","image":"IMAGE"}]}}}}
            """.Replace("IMAGE", image, StringComparison.Ordinal);

    /// <summary>A Release of <paramref name="scenario"/>'s traffic on Deployment checkout, deployed at the backfilled deploy time.</summary>
    private static string Targeted(string name, string scenario, string rollback) =>
        OperatorHarness.ReleaseJson(name, scenario, Deploy, $$""","target":{"name":"checkout"},"rollback":"{{rollback}}" """);

    /// <summary>
    /// v1 an hour before the deploy, v2 at it: two ReplicaSets, revisions 1 and 2, created when the traffic says. Returns
    /// the API server's clock, left at the deploy.
    /// </summary>
    private static async Task<FakeTimeProvider> RollOutAsync(OperatorHarness h)
    {
        var serverClock = new FakeTimeProvider(Deploy.AddHours(-1));
        h.Api.Store.Clock = serverClock;
        h.Apply("deployments", "shop", DeploymentJson("shop/checkout:v1"), "apps", "v1");
        serverClock.SetUtcNow(Deploy);
        await h.SetImageAsync("shop", "checkout", "shop/checkout:v2");
        return serverClock;
    }

    private static string Image(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>();

    private static IEnumerable<JsonObject> Undos(JsonObject release) =>
        (release["status"]?["actions"]?.AsArray() ?? []).Select(a => a!.AsObject()).Where(a => a["action"]!.GetValue<string>() == "Undo");

    private static int ReplicaSetCount(OperatorHarness h) => h.Api.Store.List(h.Api.Type("apps", "v1", "replicasets"), "shop", _ => true).Items.Count;

    [Fact]
    public async Task A_release_created_ten_minutes_after_its_rollout_is_judged_from_the_replicaset_time()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var serverClock = await RollOutAsync(h);
        // The hook ran ten minutes late and set no deployedAt: the Release's creation is 10 minutes after the rollout.
        serverClock.SetUtcNow(Deploy.AddMinutes(10));
        h.Apply(
            "releases",
            "shop",
            OperatorHarness.ReleaseJson(
                "checkout-late",
                "errors",
                deployedAt: null,
                ""","target":{"kind":"Deployment","name":"checkout"},"rollback":"Undo","analysis":{"window":"20m"}"""
            )
        );
        await h.StartOperatorAsync(url, TimeProvider.System);

        var r = await h.WaitForAsync("releases", "shop", "checkout-late", o => Undos(o).Any());
        Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));
        var binding = r["status"]!["binding"]!;
        Assert.Equal("ReplicaSet", binding["source"]!.GetValue<string>());
        Assert.Equal("2", binding["revision"]!.GetValue<string>());
        Assert.Equal(Deploy, DateTimeOffset.Parse(binding["deployedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("10m", binding["note"]!.GetValue<string>());
        Assert.Equal("2", r["status"]!["targetRevision"]!.GetValue<string>());
        Assert.Equal("Succeeded", Undos(r).Single()["result"]!.GetValue<string>());
        Assert.Equal("shop/checkout:v1", Image(h.Get("deployments", "shop", "checkout", "apps", "v1")));
        // The Undo moved the Deployment on: the Release stops there, its verdict kept.
        r = await h.WaitForAsync("releases", "shop", "checkout-late", o => o["status"]?["phase"]?.GetValue<string>() == "Superseded");
        Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));
        Assert.Contains(
            r["status"]!["conditions"]!.AsArray(),
            c => c!["type"]!.GetValue<string>() == "Superseded" && c["reason"]!.GetValue<string>() == "RolledBack"
        );
    }

    [Fact]
    public async Task A_release_recreated_after_its_undo_does_nothing()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var serverClock = await RollOutAsync(h);
        h.Apply("releases", "shop", Targeted("checkout-bad", "errors", "Undo"));
        await h.StartOperatorAsync(url, TimeProvider.System);
        await h.WaitForAsync("releases", "shop", "checkout-bad", o => o["status"]?["phase"]?.GetValue<string>() == "Superseded");
        Assert.Equal("shop/checkout:v1", Image(h.Get("deployments", "shop", "checkout", "apps", "v1")));
        var replicaSets = ReplicaSetCount(h);

        // Deleted and applied again, now (its creation is after the rollback): bound to what it judged, not to the rollback.
        using (var client = h.Client())
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(
                "releaseradar.io",
                "v1alpha1",
                "shop",
                "releases",
                "checkout-bad",
                cancellationToken: TestContext.Current.CancellationToken
            );
        serverClock.SetUtcNow(DateTimeOffset.UtcNow);
        h.Apply("releases", "shop", Targeted("checkout-bad", "errors", "Undo"));
        var r = await h.WaitForAsync("releases", "shop", "checkout-bad", o => o["status"]?["phase"]?.GetValue<string>() == "Superseded");
        Assert.Equal("2", r["status"]!["binding"]!["revision"]!.GetValue<string>());
        Assert.DoesNotContain(
            Undos(r),
            u => u["result"]!.GetValue<string>() == "Succeeded" && !u["message"]!.GetValue<string>().Contains("annotation")
        );
        var d = h.Get("deployments", "shop", "checkout", "apps", "v1");
        Assert.Equal("shop/checkout:v1", Image(d));
        Assert.Equal("3", d["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>());
        Assert.Equal(replicaSets, ReplicaSetCount(h));
    }

    [Fact]
    public async Task A_release_for_an_older_revision_never_undoes_a_newer_one()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var serverClock = await RollOutAsync(h);
        serverClock.SetUtcNow(Deploy.AddMinutes(40));
        await h.SetImageAsync("shop", "checkout", "shop/checkout:v3"); // revision 3, 40 minutes after the bad release
        h.Apply("releases", "shop", Targeted("checkout-bad", "errors", "Undo"));
        await h.StartOperatorAsync(url, TimeProvider.System);

        var r = await h.WaitForAsync("releases", "shop", "checkout-bad", o => o["status"]?["phase"]?.GetValue<string>() == "Superseded");
        Assert.Equal("2", r["status"]!["binding"]!["revision"]!.GetValue<string>());
        Assert.Empty(Undos(r));
        var d = h.Get("deployments", "shop", "checkout", "apps", "v1");
        Assert.Equal("shop/checkout:v3", Image(d));
        Assert.Null(d["metadata"]!["annotations"]!["releaseradar.io/verdict"]);
    }

    [Fact]
    public async Task A_storm_of_conflicting_status_writes_never_loses_the_undo_record_nor_repeats_the_undo()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        await RollOutAsync(h);
        // The window has not ended when the operator starts, so the first risky verdict comes from a live analysis; the
        // Release is bound first (its binding stored before any action).
        h.Apply("releases", "shop", Targeted("checkout-bad", "errors", "Undo"));
        var operatorClock = new FakeTimeProvider(Deploy.AddMinutes(1));
        await h.StartOperatorAsync(url, operatorClock);
        await h.WaitForAsync("releases", "shop", "checkout-bad", o => o["status"]?["binding"] is not null);
        // Another writer wins the next status writes, as under about 500 patches/s: the verdict and the Undo land meanwhile.
        h.Api.Store.InjectConflicts(8, "releases");
        for (var i = 0; i < 400 && !Undos(h.Get("releases", "shop", "checkout-bad")).Any(); i++)
        {
            operatorClock.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
        var r = await h.WaitForAsync("releases", "shop", "checkout-bad", o => Undos(o).Any());
        Assert.Equal("2", r["status"]!["targetRevision"]!.GetValue<string>());
        Assert.Equal("Succeeded", Undos(r).Single()["result"]!.GetValue<string>());
        var d = h.Get("deployments", "shop", "checkout", "apps", "v1");
        Assert.Equal("3", d["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>()); // one Undo, not two
        Assert.Equal("checkout-bad", d["metadata"]!["annotations"]!["releaseradar.io/rolled-back-by"]!.GetValue<string>());
    }

    [Fact]
    public async Task Two_releases_on_one_deployment_annotate_it_once_per_verdict_change()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var serverClock = await RollOutAsync(h);
        // A hook's Release and an auto-tracked one for the same rollout, both Annotate.
        h.Apply("releases", "shop", Targeted("web-helm-r2", "good", "Annotate"));
        serverClock.SetUtcNow(Deploy.AddSeconds(5));
        h.Apply("releases", "shop", Targeted("web-tracked", "good", "Annotate"));
        await h.StartOperatorAsync(url, TimeProvider.System);
        await h.WaitForAsync("releases", "shop", "web-helm-r2", o => o["status"]?["phase"]?.GetValue<string>() == "Completed");
        await h.WaitForAsync("releases", "shop", "web-tracked", o => o["status"]?["phase"]?.GetValue<string>() == "Completed");
        await Task.Delay(3000, TestContext.Current.CancellationToken); // a few more reconciles, resyncs and Deployment events

        List<string> patches;
        lock (h.Api.RequestLog)
            patches =
            [
                .. h.Api.RequestLog.Where(l => l.StartsWith("PATCH /apis/apps/v1/namespaces/shop/deployments/checkout", StringComparison.Ordinal)),
            ];
        // One PATCH is the test's own (the v2 rollout); the operator annotated exactly once: one verdict, OK, one writer.
        Assert.Equal(2, patches.Count);
        var annotations = h.Get("deployments", "shop", "checkout", "apps", "v1")["metadata"]!["annotations"]!;
        Assert.Equal("web-helm-r2", annotations["releaseradar.io/release"]!.GetValue<string>());
        Assert.Equal(StatusWire.Word(Verdict.Ok), annotations["releaseradar.io/verdict"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_second_release_of_the_same_rollout_still_undoes_it_when_the_first_only_annotates()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var serverClock = await RollOutAsync(h);
        // The older one annotates (it owns the annotations); the newer one asked for Undo and must not be silenced by it.
        h.Apply("releases", "shop", Targeted("checkout-watch", "errors", "Annotate"));
        serverClock.SetUtcNow(Deploy.AddSeconds(5));
        h.Apply("releases", "shop", Targeted("checkout-bad", "errors", "Undo"));
        await h.StartOperatorAsync(url, TimeProvider.System);

        var bad = await h.WaitForAsync("releases", "shop", "checkout-bad", o => o["status"]?["phase"]?.GetValue<string>() == "Superseded");
        Assert.Equal("Succeeded", Undos(bad).Single()["result"]!.GetValue<string>());
        await h.WaitForAsync("releases", "shop", "checkout-watch", o => o["status"]?["phase"]?.GetValue<string>() is "Superseded" or "Completed");
        var d = h.Get("deployments", "shop", "checkout", "apps", "v1");
        Assert.Equal("shop/checkout:v1", Image(d));
        Assert.Equal("3", d["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>()); // one Undo
        Assert.Equal("checkout-bad", d["metadata"]!["annotations"]!["releaseradar.io/rolled-back-by"]!.GetValue<string>());
    }
}
