using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using ReleaseRadar.Api;
using ReleaseRadar.Cli.Commands;
using ReleaseRadar.KubeApiServer;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// Poison objects: one Release of a bad shape is refused by the schema where it can be, and where it got in anyway (a
/// status written under an older, looser schema) it is read in part and reported, while the watch, the relist, every
/// other Release and the export go on.
/// </summary>
public sealed partial class PoisonTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static readonly DateTimeOffset Deploy = BackfilledPrometheus.Deploy;

    private const string PoisonStatus = """
        {"phase":"Analyzing","history":[{"time":5},{"time":"2026-01-01T00:05:00Z","elapsed":"5m","riskScore":3}]}
        """;

    [Fact]
    public async Task The_typed_status_schema_refuses_a_history_entry_of_the_wrong_shape()
    {
        await using var h = await OperatorHarness.StartAsync();
        var created = h.Apply("releases", "shop", OperatorHarness.ReleaseJson("checkout", "good", Deploy));
        created["status"] = JsonNode.Parse(PoisonStatus);
        var e = Assert.Throws<ApiException>(() =>
            h.Api.Store.Replace(h.Api.Type("releaseradar.io", "v1alpha1", "releases"), "shop", "checkout", created, statusOnly: true)
        );
        Assert.Equal(422, e.Code);
        Assert.True(e.Message.Contains("status.history[0].time", StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public async Task A_status_that_does_not_read_is_reported_on_its_release_and_blinds_neither_the_watch_nor_the_others()
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await OperatorHarness.StartAsync(crdPath: await LooseCrdAsync());

        Poison(h, "listed-poisoned"); // read by the operator's first list
        await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System);
        Poison(h, "watched-poisoned"); // read from the watch
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("healthy", "good", Deploy));

        var healthy = await h.WaitForAsync("releases", "shop", "healthy", o => o["status"]?["phase"]?.GetValue<string>() == "Completed");
        Assert.Equal("OK", OperatorHarness.Verdict(healthy));
        foreach (var name in new[] { "listed-poisoned", "watched-poisoned" })
        {
            // Analysed from what did read; the status written back holds only readable entries.
            var r = await h.WaitForAsync("releases", "shop", name, o => o["status"]?["phase"]?.GetValue<string>() == "Completed");
            Assert.Equal("OK", OperatorHarness.Verdict(r));
            Assert.DoesNotContain(
                r["status"]!["history"]!.AsArray(),
                e => e!["time"] is JsonValue t && t.GetValueKind() != System.Text.Json.JsonValueKind.String
            );
        }
        var events = await h.WaitForListAsync("", "v1", "events", "shop", l => l.Count(e => e["reason"]!.GetValue<string>() == "Unreadable") >= 2);
        Assert.All(
            events.Where(e => e["reason"]!.GetValue<string>() == "Unreadable"),
            e => Assert.Contains("status.history[0]", e["message"]!.GetValue<string>())
        );
    }

    [Fact]
    public async Task Export_names_a_release_it_cannot_read_in_full_and_exports_every_release()
    {
        await using var h = await OperatorHarness.StartAsync(crdPath: await LooseCrdAsync());
        Poison(h, "poisoned");
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("plain", "good", Deploy));

        var releases = await ExportCommand.ListAsync(h.Client(), ["shop"], null, TestContext.Current.CancellationToken);
        Assert.Equal(["plain", "poisoned"], releases.Select(r => r.Metadata.Name).Order());
        var poisoned = releases.Single(r => r.Metadata.Name == "poisoned");
        Assert.Contains("status.history[0]", poisoned.Unreadable);
        Assert.Equal("5m", Assert.Single(poisoned.Status!.History!).Elapsed);
    }

    [Fact]
    public async Task Deployments_with_bad_tracking_annotations_blind_neither_auto_tracking_nor_the_deployments_after_them()
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await OperatorHarness.StartAsync();
        var longName = "checkout-" + new string('x', 60); // a valid Deployment name, too long for a label value
        foreach (
            var (name, annotations) in new[]
            {
                ("twice", "\"releaseradar.io/selector\":\"service=a,service=b\""),
                ("yes", "\"releaseradar.io/rollback\":\"yes\""),
                (longName, "\"releaseradar.io/selector\":\"service=checkout\""),
                ("cart", "\"releaseradar.io/selector\":\"service=cart\""),
            }
        )
            h.Apply("deployments", "shop", TrackedDeployment(name, annotations), "apps", "v1"); // listed at start-up, in this order
        await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System);
        h.Apply("deployments", "shop", TrackedDeployment("late", "\"releaseradar.io/selector\":\"service=late\""), "apps", "v1"); // watched

        await h.WaitForAsync("releases", "shop", "cart-r1", _ => true);
        await h.WaitForAsync("releases", "shop", "late-r1", _ => true);
        var tracked = await h.WaitForAsync("releases", "shop", longName + "-r1", _ => true);
        var label = tracked["metadata"]!["labels"]!["releaseradar.io/deployment"]!.GetValue<string>();
        Assert.True(label.Length <= 63, label);
        Assert.StartsWith("checkout-xxx", label, StringComparison.Ordinal);
        Assert.Throws<ApiException>(() => h.Get("releases", "shop", "twice-r1"));
        Assert.Throws<ApiException>(() => h.Get("releases", "shop", "yes-r1"));
    }

    [Fact]
    public async Task After_the_api_server_loses_state_the_operator_relists_drops_its_ghosts_and_analyses_what_comes_next()
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await OperatorHarness.StartAsync();
        var port = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System, port: port);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("kept", "good", Deploy));
        await h.WaitForAsync("releases", "shop", "kept", o => OperatorHarness.Verdict(o) is not null);
        var backup = h.Api.Store.Backup();
        foreach (var name in new[] { "lost-1", "lost-2" })
            h.Apply("releases", "shop", OperatorHarness.ReleaseJson(name, "good", Deploy));
        await h.WaitForAsync("releases", "shop", "lost-2", o => OperatorHarness.Verdict(o) is not null);
        await h.WaitForAsync("releases", "shop", "lost-1", o => OperatorHarness.Verdict(o) is not null);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Assert.Contains("lost-1", await http.GetStringAsync("/releases", TestContext.Current.CancellationToken));

        h.Api.Store.Restore(backup); // etcd restored from the backup: lost-1 and lost-2 never existed, resourceVersions go back
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("after", "errors", Deploy)); // below the versions the operator saw
        var after = await h.WaitForAsync("releases", "shop", "after", o => OperatorHarness.Verdict(o) is not null);
        Assert.Equal(StatusWire.Word(Engine.Verdict.Risky), OperatorHarness.Verdict(after));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string listed;
        do
        {
            listed = await http.GetStringAsync("/releases", TestContext.Current.CancellationToken);
            if (!listed.Contains("lost-1", StringComparison.Ordinal))
                break;
            await Task.Delay(200, TestContext.Current.CancellationToken);
        } while (DateTime.UtcNow < deadline);
        Assert.DoesNotContain("lost-1", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("lost-2", listed, StringComparison.Ordinal);
        Assert.Contains("\"kept\"", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_stream_that_keeps_failing_makes_the_replica_unready_until_it_recovers()
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await OperatorHarness.StartAsync();
        var port = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System, port: port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await ReadyzAsync(http, 200);

        // The CRD goes (a cluster admin's mistake): every list and watch of Releases now fails with 404.
        using var admin = h.Client();
        var crd = k8s.KubernetesYaml.Deserialize<k8s.Models.V1CustomResourceDefinition>(
            await File.ReadAllTextAsync(RepoPaths.Of("config", "crd", "releases.releaseradar.io.yaml"), TestContext.Current.CancellationToken)
        );
        await admin.ApiextensionsV1.DeleteCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: TestContext.Current.CancellationToken);
        h.Api.Store.DropWatches();
        Assert.Contains("failed", await ReadyzAsync(http, 503), StringComparison.Ordinal);

        crd.Metadata.ResourceVersion = null;
        await admin.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: TestContext.Current.CancellationToken);
        await ReadyzAsync(http, 200);
    }

    /// <summary>Polls /readyz until it answers <paramref name="code"/>; returns its body.</summary>
    private static async Task<string> ReadyzAsync(HttpClient http, int code)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var answer = await http.GetAsync("/readyz", TestContext.Current.CancellationToken);
            last = await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if ((int)answer.StatusCode == code)
                return last;
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"/readyz never answered {code}; last: {last}");
        return last;
    }

    private static string TrackedDeployment(string name, string annotations) =>
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\""
        + name
        + "\",\"annotations\":{\"releaseradar.io/track\":\"true\","
        + annotations
        + "}},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"x\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"shop/x:1\"}]}}}}";

    private static void Poison(OperatorHarness h, string name)
    {
        var created = h.Apply("releases", "shop", OperatorHarness.ReleaseJson(name, "good", Deploy));
        created["status"] = JsonNode.Parse(PoisonStatus);
        h.Api.Store.Replace(h.Api.Type("releaseradar.io", "v1alpha1", "releases"), "shop", name, created, statusOnly: true);
    }

    /// <summary>The project's CRD as it was before the status was typed: history items of any shape.</summary>
    private static async Task<string> LooseCrdAsync()
    {
        var typed = await File.ReadAllTextAsync(
            RepoPaths.Of("config", "crd", "releases.releaseradar.io.yaml"),
            TestContext.Current.CancellationToken
        );
        var loose = HistoryItems().Replace(typed, "$1items: { type: object, x-kubernetes-preserve-unknown-fields: true }\n$2");
        Assert.NotEqual(typed, loose);
        var path = Path.Combine(Directory.CreateTempSubdirectory("rr-crd-").FullName, "releases.yaml");
        await File.WriteAllTextAsync(path, loose, TestContext.Current.CancellationToken);
        return path;
    }

    /// <summary>The typed items of status.history, up to the status property after it.</summary>
    [GeneratedRegex(@"(?s)( {16}history:\n.*?\n {18})items:\n {20}type: object\n.*?\n( {16}observedGeneration:)")]
    private static partial Regex HistoryItems();
}
