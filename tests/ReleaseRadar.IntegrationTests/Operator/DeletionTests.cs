using System.Text.Json.Nodes;
using ReleaseRadar.IntegrationTests.Packaging;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// Deletion as a real API server does it, judged by the real kubectl: a finalizer holds a deleted object (marked with a
/// deletionTimestamp) until it is removed, and the garbage collector removes a dependent whose owners are gone. The
/// operator leaves a Release that is being deleted alone: no analysis, and no action on its Deployment.
/// </summary>
public sealed class DeletionTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static (int Code, string Out, string Err) Kubectl(OperatorHarness h, params string[] args) =>
        Tools.Run(Tools.Require("kubectl"), ["--kubeconfig", h.Kubeconfig, .. args]);

    private static string Ok((int Code, string Out, string Err) r, string what)
    {
        Assert.True(r.Code == 0, $"{what}: exit {r.Code}\n{r.Out}\n{r.Err}");
        return r.Out;
    }

    private static string WithMetadata(string releaseJson, string key, JsonNode value)
    {
        var release = JsonNode.Parse(releaseJson)!.AsObject();
        release["metadata"]![key] = value;
        return release.ToJsonString();
    }

    [Fact]
    public async Task A_finalizer_holds_a_deleted_release_until_it_is_removed_and_the_operator_leaves_it_alone()
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await OperatorHarness.StartAsync();
        var held = WithMetadata(
            OperatorHarness.ReleaseJson("held", "errors", BackfilledPrometheus.Deploy),
            "finalizers",
            new JsonArray("example.com/hold")
        );
        h.Apply("releases", "shop", held);

        Ok(Kubectl(h, "delete", "release", "held", "-n", "shop", "--wait=false"), "kubectl delete");
        var marked = Ok(Kubectl(h, "get", "release", "held", "-n", "shop", "-o", "jsonpath={.metadata.deletionTimestamp}"), "get");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT", marked);
        var added = Kubectl(h, "patch", "release", "held", "-n", "shop", "--type=merge", "-p", """{"metadata":{"finalizers":["a","b"]}}""");
        Assert.NotEqual(0, added.Code);
        Assert.Contains("no new finalizers can be added if the object is being deleted", added.Err, StringComparison.Ordinal);

        // The operator starts with the marked Release in its cache: a Release created after it is analysed, and it is not.
        await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System);
        h.Apply("releases", "shop", OperatorHarness.ReleaseJson("next", "errors", BackfilledPrometheus.Deploy));
        await h.WaitForAsync("releases", "shop", "next", o => OperatorHarness.Verdict(o) is not null);
        Assert.Null(h.Get("releases", "shop", "held")["status"]);

        Ok(Kubectl(h, "patch", "release", "held", "-n", "shop", "--type=merge", "-p", """{"metadata":{"finalizers":null}}"""), "patch");
        Assert.Contains("NotFound", Kubectl(h, "get", "release", "held", "-n", "shop").Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_whose_owner_is_gone_is_collected_and_a_reference_to_a_missing_owner_is_dropped()
    {
        await using var h = await OperatorHarness.StartAsync();
        var owner = h.Apply("releases", "shop", OperatorHarness.ReleaseJson("owner", "good", BackfilledPrometheus.Deploy));
        JsonObject Reference(string name, string uid) =>
            new()
            {
                ["apiVersion"] = "releaseradar.io/v1alpha1",
                ["kind"] = "Release",
                ["name"] = name,
                ["uid"] = uid,
            };
        var missing = Reference("gone", "0b6d5a52-94b8-4a0e-9d7e-000000000000");
        var orphan = WithMetadata(OperatorHarness.ReleaseJson("orphan", "good", null), "ownerReferences", new JsonArray(missing));
        var shared = WithMetadata(
            OperatorHarness.ReleaseJson("shared", "good", null),
            "ownerReferences",
            new JsonArray(missing.DeepClone(), Reference("owner", owner["metadata"]!["uid"]!.GetValue<string>()))
        );
        foreach (var (name, json) in new[] { ("orphan", orphan), ("shared", shared) })
        {
            var path = Path.Combine(Path.GetTempPath(), $"rr-{name}-{Environment.ProcessId}.json");
            await File.WriteAllTextAsync(path, json, TestContext.Current.CancellationToken);
            Ok(Kubectl(h, "apply", "-n", "shop", "-f", path), $"kubectl apply {name}");
            File.Delete(path);
        }

        Assert.Contains("NotFound", Kubectl(h, "get", "release", "orphan", "-n", "shop").Err, StringComparison.Ordinal);
        var owners = Ok(Kubectl(h, "get", "release", "shared", "-n", "shop", "-o", "jsonpath={.metadata.ownerReferences[*].name}"), "get");
        Assert.Equal("owner", owners.Trim());
        Ok(Kubectl(h, "delete", "release", "owner", "-n", "shop"), "delete the owner");
        Assert.Contains("NotFound", Kubectl(h, "get", "release", "shared", "-n", "shop").Err, StringComparison.Ordinal);
    }
}
