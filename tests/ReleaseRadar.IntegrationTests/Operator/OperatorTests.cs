using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.KubeApiServer;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>The real operator, through the real KubernetesClient, against the API test server and a real Prometheus.</summary>
public sealed class OperatorTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static readonly DateTimeOffset Deploy = BackfilledPrometheus.Deploy;

    private Uri PrometheusUrl()
    {
        PrometheusRequirement.EnsureAvailable();
        return prometheus.Server!.Url;
    }

    private const string DeploymentJson = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"checkout"},
         "spec":{"selector":{"matchLabels":{"app":"checkout"}},
                 "template":{"metadata":{"labels":{"app":"checkout"}},"spec":{"containers":[{"name":"app","image":"shop/checkout:v2"}]}}}}
        """;

    [Fact]
    public async Task An_applied_release_gets_a_verdict_and_its_printer_column_fields()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("checkout-good", "good", Deploy));
        var r = await h.WaitForAsync("releases", "shop", "checkout-good", o => o["status"]?["phase"]?.GetValue<string>() == "Completed");
        Assert.Equal("OK", OperatorHarness.Verdict(r));
        Assert.NotNull(r["status"]!["riskScore"]);
        Assert.NotNull(r["status"]!["current"]!["errorRate"]);
        Assert.NotNull(r["status"]!["current"]!["latencyP95"]);
        Assert.Equal(1, r["status"]!["observedGeneration"]!.GetValue<long>());
        Assert.Contains(
            r["status"]!["conditions"]!.AsArray(),
            c => c!["type"]!.GetValue<string>() == "Completed" && c["status"]!.GetValue<string>() == "True"
        );
    }

    [Fact]
    public async Task A_bad_release_is_riesgoso_annotates_and_rolls_back_its_deployment()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        // v1, then v2: the API test server's Deployment controller makes ReplicaSets for revisions 1 and 2.
        h.Apply("deployments", "shop", DeploymentJson.Replace("shop/checkout:v2", "shop/checkout:v1", StringComparison.Ordinal), "apps", "v1");
        h.Api.Store.Patch(
            h.Api.Type("apps", "v1", "deployments"),
            "shop",
            "checkout",
            "application/strategic-merge-patch+json",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"shop/checkout:v2"}]}}}}""",
            false
        );
        await h.StartOperatorAsync(url, TimeProvider.System);

        h.Apply(
            "releases",
            "shop",
            OperatorHarness.ReleaseJson("checkout-bad", "errors", Deploy, ""","target":{"kind":"Deployment","name":"checkout"},"rollback":"Undo" """)
        );
        var r = await h.WaitForAsync(
            "releases",
            "shop",
            "checkout-bad",
            o => o["status"]?["actions"]?.AsArray().Any(a => a!["action"]!.GetValue<string>() == "Undo") == true
        );
        Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));
        Assert.Equal("2", r["status"]!["targetRevision"]!.GetValue<string>());
        var undo = r["status"]!["actions"]!.AsArray().Single(a => a!["action"]!.GetValue<string>() == "Undo")!;
        Assert.Equal("Succeeded", undo["result"]!.GetValue<string>());

        var d = h.Get("deployments", "shop", "checkout", "apps", "v1");
        Assert.Equal("shop/checkout:v1", d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Null(d["spec"]!["template"]!["metadata"]!["labels"]!["pod-template-hash"]);
        var annotations = d["metadata"]!["annotations"]!.AsObject();
        Assert.Equal(StatusWire.Word(Verdict.Risky), annotations["releaseradar.io/verdict"]!.GetValue<string>());
        Assert.Equal("true", annotations["releaseradar.io/rollback-recommended"]!.GetValue<string>());
        Assert.Equal("checkout-bad", annotations["releaseradar.io/release"]!.GetValue<string>());
        Assert.Contains("5xx rate up", annotations["releaseradar.io/summary"]!.GetValue<string>());

        var events = await h.WaitForListAsync("", "v1", "events", "shop", l => l.Any(e => e["reason"]!.GetValue<string>() == "RolledBack"));
        Assert.Contains(
            events,
            e =>
                e["reason"]!.GetValue<string>() == "VerdictRiesgoso"
                && e["type"]!.GetValue<string>() == "Warning"
                && e["message"]!.GetValue<string>().Contains("5xx rate up")
        );
        Assert.Contains(events, e => e["reason"]!.GetValue<string>() == "RolledBack");
    }

    [Fact]
    public async Task An_action_the_api_server_refused_is_recorded_as_failed_and_retried_with_backoff()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        h.Apply("deployments", "shop", DeploymentJson, "apps", "v1");
        h.Api.Store.InjectConflicts(1, "deployments"); // the first annotate patch fails
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Apply(
            "releases",
            "shop",
            OperatorHarness.ReleaseJson("annotated", "errors", Deploy, ",\"target\":{\"name\":\"checkout\"},\"rollback\":\"Annotate\"")
        );
        var r = await h.WaitForAsync(
            "releases",
            "shop",
            "annotated",
            o => o["status"]?["actions"]?.AsArray().Any(a => a!["result"]!.GetValue<string>() == "Succeeded") == true
        );
        var actions = r["status"]!["actions"]!.AsArray();
        Assert.Equal(["Failed", "Succeeded"], actions.Select(a => a!["result"]!.GetValue<string>()));
        Assert.Contains("HTTP 409", actions[0]!["message"]!.GetValue<string>());
        Assert.All(actions, a => Assert.Equal(StatusWire.Word(Verdict.Risky), a!["verdict"]!.GetValue<string>()));
        // The verdict was recorded by the same write as the failed attempt: a refused action never holds back the analysis.
        Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));
        Assert.Equal(1, h.Api.Store.WriteCount("deployments", "conflict"));
        Assert.Equal(
            StatusWire.Word(Verdict.Risky),
            h.Get("deployments", "shop", "checkout", "apps", "v1")["metadata"]!["annotations"]!["releaseradar.io/verdict"]!.GetValue<string>()
        );
        var events = await h.WaitForListAsync("", "v1", "events", "shop", l => l.Any(e => e["reason"]!.GetValue<string>() == "Annotated"));
        Assert.Contains(events, e => e["reason"]!.GetValue<string>() == "AnnotateFailed");
    }

    [Fact]
    public async Task With_operator_defaults_each_interval_of_their_grid_is_analysed_once_and_each_reconcile_writes_the_status_once()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        h.Apply("deployments", "shop", DeploymentJson, "apps", "v1");
        // Loaded the way `releaseradar operator --defaults FILE` loads it.
        var file = Path.Combine(Directory.CreateTempSubdirectory("rr-defaults-").FullName, "defaults.yaml");
        await File.WriteAllTextAsync(file, "analysis:\n  interval: 5m\n  step: 1m\n", TestContext.Current.CancellationToken);
        var defaults = ReleaseRadar.Cli.Commands.AnalyzeCommand.LoadDefaults(file);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        var clock = new FakeTimeProvider(Deploy.AddMinutes(8)); // intervals end at 7m, 12m, 17m… after the 2-minute warm-up
        var port = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        var app = await h.StartOperatorAsync(url, clock, port: port, defaults: defaults);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        h.Apply(
            "releases",
            "shop",
            OperatorHarness.ReleaseJson("graded", "errors", Deploy, ",\"target\":{\"name\":\"checkout\"},\"rollback\":\"Annotate\"")
        );
        await h.WaitForAsync("releases", "shop", "graded", o => o["status"]?["history"]?.AsArray().Count == 1);
        await OperatorHarness.WaitForRequeueAsync(app);

        async Task<double> Skipped() =>
            (await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken))
                .Split('\n')
                .Where(l => l.StartsWith("releaseradar_reconciles_total{result=\"skipped\"}", StringComparison.Ordinal))
                .Select(l => double.Parse(l.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture))
                .DefaultIfEmpty(0)
                .Single();
        var skippedBefore = await Skipped();

        // One minute later a reconcile is asked for. On a 1-minute grid an interval would have ended (and the reconciler
        // once decided "due?" on that grid); on the operator's 5-minute grid none has, so nothing is queried or written.
        clock.Advance(TimeSpan.FromMinutes(1));
        await h.Client()
            .CustomObjects.PatchNamespacedCustomObjectAsync(
                new k8s.Models.V1Patch("""{"metadata":{"annotations":{"releaseradar.io/reanalyze":"1"}}}""", k8s.Models.V1Patch.PatchType.MergePatch),
                "releaseradar.io",
                "v1alpha1",
                "shop",
                "releases",
                "graded",
                cancellationToken: TestContext.Current.CancellationToken
            );
        // (Skipped reconciles also come from the Deployment's own events, e.g. the echo of the Annotate: count from here.)
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await Skipped() < skippedBefore + 1 && DateTime.UtcNow < deadline)
            await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.True(await Skipped() >= skippedBefore + 1);
        Assert.Single(h.Get("releases", "shop", "graded")["status"]!["history"]!.AsArray());

        clock.Advance(TimeSpan.FromMinutes(3)); // 12m: the next interval of the 5-minute grid
        var r = await h.WaitForAsync("releases", "shop", "graded", o => o["status"]?["history"]?.AsArray().Count == 2);
        Assert.Equal(["7m", "12m"], r["status"]!["history"]!.AsArray().Select(e => e!["elapsed"]!.GetValue<string>()));
        await OperatorHarness.WaitForRequeueAsync(app);

        // Each analysis, its verdict change and its Annotate action went out in one status write, not one per step.
        List<ServedRequest> writes;
        lock (h.Api.Served)
            writes = [.. h.Api.Served.Where(q => q.IsWrite && q.Path.EndsWith("/releases/graded/status", StringComparison.Ordinal))];
        Assert.Equal(2, writes.Count);
        Assert.All(writes, w => Assert.Equal(200, w.Status));
        Assert.Contains(r["status"]!["actions"]!.AsArray(), a => a!["action"]!.GetValue<string>() == "Annotate");
    }

    [Fact]
    public async Task A_verdict_change_is_posted_to_the_webhook_from_the_secret()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        // A stand-in for Slack: records what it is sent.
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var hookPort = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{hookPort}");
        await using var slack = builder.Build();
        slack.MapPost(
            "/hooks/release-radar",
            async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                received.Enqueue(await reader.ReadToEndAsync());
                return Results.Ok();
            }
        );
        await slack.StartAsync(TestContext.Current.CancellationToken);
        var secretUrl = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"http://127.0.0.1:{hookPort}/hooks/release-radar"));
        h.Apply(
            "secrets",
            "release-radar",
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"slack\"},\"data\":{\"url\":\"" + secretUrl + "\"}}",
            "",
            "v1"
        );

        await h.StartOperatorAsync(url, TimeProvider.System, webhookSecret: "release-radar/slack");
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("noisy", "errors", Deploy));
        await h.WaitForAsync("releases", "shop", "noisy", o => OperatorHarness.Verdict(o) is not null);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (received.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(100, TestContext.Current.CancellationToken);

        var body = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(received))!;
        var text = body["text"]!.GetValue<string>();
        Assert.Contains($"*{StatusWire.Word(Verdict.Risky)}* shop/noisy (v2)", text);
        Assert.Contains("5xx rate up", text);
        // The URL is a secret: it appears nowhere in the Release's status.
        Assert.DoesNotContain(
            hookPort.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/hooks",
            h.Get("releases", "shop", "noisy").ToJsonString()
        );
    }

    [Fact]
    public async Task A_missing_deployment_is_a_condition_not_a_crash()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("orphan", "good", Deploy, ""","target":{"name":"ghost"},"rollback":"Annotate" """));
        var r = await h.WaitForAsync("releases", "shop", "orphan", o => o["status"]?["phase"]?.GetValue<string>() == "Completed");
        var condition = r["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "TargetFound")!;
        Assert.Equal("False", condition["status"]!.GetValue<string>());
        Assert.Equal("DeploymentNotFound", condition["reason"]!.GetValue<string>());
        Assert.Contains("shop/ghost not found", condition["message"]!.GetValue<string>());
        Assert.Equal("OK", OperatorHarness.Verdict(r));
    }

    [Fact]
    public async Task A_selector_that_matches_nothing_is_NoSeriesMatched_in_the_status_and_a_warning_event_not_a_quiet_service()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("checkout-typo", "errros", Deploy));
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("checkout-good", "good", Deploy));
        var r = await h.WaitForAsync(
            "releases",
            "shop",
            "checkout-typo",
            o => o["status"]?["conditions"]?.AsArray().Any(c => c!["type"]!.GetValue<string>() == "MetricsAvailable") == true
        );
        var condition = r["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "MetricsAvailable")!;
        Assert.Equal("False", condition["status"]!.GetValue<string>());
        Assert.Equal("NoSeriesMatched", condition["reason"]!.GetValue<string>());
        Assert.Contains("http_requests_total{scenario=\"errros\",service=\"checkout\"}", condition["message"]!.GetValue<string>());
        Assert.Contains("\"errors\"", condition["message"]!.GetValue<string>()); // the values that do exist
        Assert.Null(r["status"]!["verdict"]); // not "insufficient data": nothing was judged
        var events = await h.WaitForListAsync("", "v1", "events", "shop", l => l.Any(e => e["reason"]!.GetValue<string>() == "NoSeriesMatched"));
        var warning = events.Single(e => e["reason"]!.GetValue<string>() == "NoSeriesMatched");
        Assert.Equal("Warning", warning["type"]!.GetValue<string>());
        Assert.Equal("checkout-typo", warning["involvedObject"]!["name"]!.GetValue<string>());
        // The other Release of the namespace is judged as usual.
        var good = await h.WaitForAsync("releases", "shop", "checkout-good", o => o["status"]?["phase"]?.GetValue<string>() == "Completed");
        Assert.Equal("OK", OperatorHarness.Verdict(good));
    }

    [Fact]
    public async Task The_api_server_refuses_a_schema_violation_and_the_operator_flags_a_semantic_one()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var e = Assert.Throws<ApiException>(() =>
            h.Apply("releases", "shop", OperatorHarness.ReleaseJson("bad-window", "good", Deploy, ""","analysis":{"window":"half an hour"}"""))
        );
        Assert.Equal(422, e.Code);
        Assert.Contains("spec.analysis.window", e.Message);

        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("warm-forever", "good", Deploy, ""","analysis":{"window":"30m","warmup":"45m"}"""));
        var r = await h.WaitForAsync("releases", "shop", "warm-forever", o => o["status"]?["phase"]?.GetValue<string>() == "Invalid");
        var condition = r["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "SpecValid")!;
        Assert.Equal(("False", "InvalidSpec"), (condition["status"]!.GetValue<string>(), condition["reason"]!.GetValue<string>()));
        Assert.Contains("spec.analysis.warmup: 45m leaves nothing of the 30m window to analyse", condition["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_restart_mid_analysis_keeps_the_history_without_duplicates()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var clock = new FakeTimeProvider(Deploy.AddMinutes(10).AddSeconds(5));
        var first = await h.StartOperatorAsync(url, clock, "replica-a");
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("rolling", "good", Deploy));
        await h.WaitForAsync("releases", "shop", "rolling", o => o["status"]?["history"]?.AsArray().Count == 1);
        await OperatorHarness.WaitForRequeueAsync(first);
        clock.Advance(TimeSpan.FromMinutes(1));
        await h.WaitForAsync("releases", "shop", "rolling", o => o["status"]?["history"]?.AsArray().Count == 2);
        await h.StopAsync(first);

        var writesBefore = h.Api.Store.WriteCount("releases", "replace-status");
        var second = await h.StartOperatorAsync(url, clock, "replica-b");
        // The new replica lists, reconciles, finds this interval already analysed, writes nothing and schedules the next one.
        await OperatorHarness.WaitForRequeueAsync(second);
        Assert.Equal(writesBefore, h.Api.Store.WriteCount("releases", "replace-status"));

        clock.Advance(TimeSpan.FromMinutes(1));
        var r = await h.WaitForAsync("releases", "shop", "rolling", o => o["status"]?["history"]?.AsArray().Count == 3);
        var times = r["status"]!["history"]!.AsArray().Select(e => e!["elapsed"]!.GetValue<string>()).ToList();
        Assert.Equal(["10m", "11m", "12m"], times);
    }

    [Fact]
    public async Task The_operator_recovers_from_a_dropped_watch_and_from_410_gone()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("before", "good", Deploy));
        await h.WaitForAsync("releases", "shop", "before", o => OperatorHarness.Verdict(o) is not null);

        Assert.True(h.Api.Store.DropWatches() > 0);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("after-drop", "good", Deploy));
        await h.WaitForAsync("releases", "shop", "after-drop", o => OperatorHarness.Verdict(o) is not null);

        var lists = h.Api.RequestLog.Count(l =>
            l.StartsWith("GET /apis/releaseradar.io/v1alpha1/releases", StringComparison.Ordinal) && !l.Contains("watch=true")
        );
        h.Api.Store.Compact();
        h.Api.Store.DropWatches();
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("after-410", "errors", Deploy));
        var r = await h.WaitForAsync("releases", "shop", "after-410", o => OperatorHarness.Verdict(o) is not null);
        Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));
        var listsAfter = h.Api.RequestLog.Count(l =>
            l.StartsWith("GET /apis/releaseradar.io/v1alpha1/releases", StringComparison.Ordinal) && !l.Contains("watch=true")
        );
        Assert.True(listsAfter > lists, "a 410 must make the informer relist");
    }

    [Fact]
    public async Task A_storm_of_conflicts_converges()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Api.Store.InjectConflicts(6, "releases");
        h.Api.Store.InjectConflicts(0); // reset, then inject for status writes only once the Release exists
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("contended", "latency", Deploy));
        h.Api.Store.InjectConflicts(6, "releases");
        var r = await h.WaitForAsync("releases", "shop", "contended", o => OperatorHarness.Verdict(o) is not null);
        Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));
        Assert.Equal(6, h.Api.Store.WriteCount("releases", "conflict"));
        Assert.Single(r["status"]!["history"]!.AsArray());
    }

    [Fact]
    public async Task A_throttled_status_write_waits_as_long_as_Retry_After_asks()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Api.InjectThrottling(1, "releases", retryAfterSeconds: 3);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("throttled", "latency", Deploy));
        var r = await h.WaitForAsync("releases", "shop", "throttled", o => OperatorHarness.Verdict(o) is not null);
        Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));

        // The server records a request once its answer is sent, which can be just after the store shows the write: wait for it.
        List<ServedRequest> writes = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(50, TestContext.Current.CancellationToken))
        {
            lock (h.Api.Served)
                writes = [.. h.Api.Served.Where(q => q.IsWrite && q.Path.EndsWith("/releases/throttled/status", StringComparison.Ordinal))];
            if (writes.Any(q => q.Status == 200))
                break;
        }
        var refused = Assert.Single(writes, q => q.Status == 429);
        var next = writes.First(q => q.At > refused.At);
        // The work queue's own retry would have come back after 1 s; the server asked for 3.
        Assert.True(next.At - refused.At >= TimeSpan.FromSeconds(2.9), $"resent {(next.At - refused.At).TotalSeconds:0.00} s after the 429");
        Assert.Equal(200, next.Status);
    }

    [Fact]
    public async Task When_the_leader_stops_the_second_replica_takes_over()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var a = await h.StartOperatorAsync(url, TimeProvider.System, "replica-a", leaderElection: true);
        await h.WaitForAsync(
            "leases",
            "default",
            "release-radar-leader",
            o => o["spec"]?["holderIdentity"]?.GetValue<string>() == "replica-a",
            group: "coordination.k8s.io",
            version: "v1"
        );
        await h.StartOperatorAsync(url, TimeProvider.System, "replica-b", leaderElection: true);
        var lease = await h.WaitForAsync(
            "leases",
            "default",
            "release-radar-leader",
            o => o["spec"]?["holderIdentity"] is not null,
            group: "coordination.k8s.io",
            version: "v1"
        );
        Assert.Equal("replica-a", lease["spec"]!["holderIdentity"]!.GetValue<string>());
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("first", "good", Deploy));
        await h.WaitForAsync("releases", "shop", "first", o => OperatorHarness.Verdict(o) is not null);

        await h.StopAsync(a);
        // A clean shutdown hands the Lease back before it returns, so replica-b need not wait the lease out.
        var released = h.Get("leases", "default", "release-radar-leader", "coordination.k8s.io", "v1");
        Assert.NotEqual("replica-a", released["spec"]?["holderIdentity"]?.GetValue<string>());
        await h.WaitForAsync(
            "leases",
            "default",
            "release-radar-leader",
            o => o["spec"]?["holderIdentity"]?.GetValue<string>() == "replica-b",
            TimeSpan.FromSeconds(20),
            "coordination.k8s.io",
            "v1"
        );
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("second", "errors", Deploy));
        var r = await h.WaitForAsync("releases", "shop", "second", o => OperatorHarness.Verdict(o) is not null, TimeSpan.FromSeconds(30));
        Assert.Equal(StatusWire.Word(Verdict.Risky), OperatorHarness.Verdict(r));
    }

    [Fact]
    public async Task A_tracked_deployment_gets_a_release_per_rollout()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Apply(
            "deployments",
            "shop",
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"cart","labels":{"app.kubernetes.io/version":"1.4.2"},
              "annotations":{"releaseradar.io/track":"true",
                             "releaseradar.io/selector":"service=cart, env=prod","releaseradar.io/rollback":"Annotate"}},
             "spec":{"selector":{"matchLabels":{"app":"cart"}},
                     "template":{"metadata":{"labels":{"app":"cart"}},"spec":{"containers":[{"name":"app","image":"shop/cart:1.4.2"}]}}}}
            """,
            "apps",
            "v1"
        );
        var r = await h.WaitForAsync("releases", "shop", "cart-r1", _ => true);
        Assert.Equal("1.4.2", r["spec"]!["version"]!.GetValue<string>());
        Assert.Equal("prod", r["spec"]!["selector"]!["env"]!.GetValue<string>());
        Assert.Equal("Annotate", r["spec"]!["rollback"]!.GetValue<string>());
        Assert.Equal("cart", r["metadata"]!["ownerReferences"]![0]!["name"]!.GetValue<string>());

        // A new rollout (a new template: revision 2, from the Deployment controller) is a new Release; the old one stays.
        var type = h.Api.Type("apps", "v1", "deployments");
        h.Api.Store.Patch(
            type,
            "shop",
            "cart",
            "application/strategic-merge-patch+json",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"shop/cart:1.4.3"}]}}}}""",
            false
        );
        await h.WaitForAsync("releases", "shop", "cart-r2", _ => true);
        Assert.NotNull(h.Get("releases", "shop", "cart-r1"));
    }

    [Fact]
    public async Task A_release_that_already_has_the_tracked_name_is_not_taken_for_the_rollout()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        // Written by hand (or by an older hook naming scheme) before the Deployment was tracked: same name, other rollout.
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("cart-r1", "good", Deploy));
        await h.StartOperatorAsync(url, TimeProvider.System);
        h.Apply(
            "deployments",
            "shop",
            """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"cart",
              "annotations":{"releaseradar.io/track":"true","releaseradar.io/selector":"service=cart"}},
             "spec":{"selector":{"matchLabels":{"app":"cart"}},
                     "template":{"metadata":{"labels":{"app":"cart"}},"spec":{"containers":[{"name":"app","image":"shop/cart:2.0.0"}]}}}}
            """,
            "apps",
            "v1"
        );
        var tracked = await h.WaitForAsync("releases", "shop", "cart-r1-auto", _ => true);
        Assert.Equal("cart", tracked["spec"]!["selector"]!["service"]!.GetValue<string>());
        Assert.Equal("1", tracked["metadata"]!["labels"]!["releaseradar.io/revision"]!.GetValue<string>());
        var handWritten = h.Get("releases", "shop", "cart-r1");
        Assert.Equal("checkout", handWritten["spec"]!["selector"]!["service"]!.GetValue<string>());
        Assert.Null(handWritten["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Metrics_and_probes_are_served()
    {
        var url = PrometheusUrl();
        await using var h = await OperatorHarness.StartAsync();
        var port = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        await h.StartOperatorAsync(url, TimeProvider.System, port: port);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("observed", "errors", Deploy));
        await h.WaitForAsync("releases", "shop", "observed", o => OperatorHarness.Verdict(o) is not null);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Equal("ok", await http.GetStringAsync("/healthz", TestContext.Current.CancellationToken));
        Assert.Equal("ok", await http.GetStringAsync("/readyz", TestContext.Current.CancellationToken));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string metrics;
        do
        {
            metrics = await http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
            if (metrics.Contains($"releaseradar_releases{{verdict=\"{StatusWire.Word(Verdict.Risky)}\"}} 1"))
                break;
            await Task.Delay(500, TestContext.Current.CancellationToken);
        } while (DateTime.UtcNow < deadline);
        Assert.Contains("releaseradar_reconciles_total{result=\"success\"}", metrics);
        Assert.Contains($"releaseradar_verdict_transitions_total{{from=\"none\",to=\"{StatusWire.Word(Verdict.Risky)}\"}} 1", metrics);
        Assert.Contains("releaseradar_analysis_duration_seconds_count", metrics);
        Assert.Contains($"releaseradar_releases{{verdict=\"{StatusWire.Word(Verdict.Risky)}\"}} 1", metrics);
    }
}
