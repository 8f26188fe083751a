using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.KubeApiServer;
using ReleaseRadar.Operator;
using ReleaseRadar.Operator.Hosting;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>The API test server with the Release CRD, plus helpers to run operator replicas against it through a kubeconfig.</summary>
public sealed class OperatorHarness : IAsyncDisposable
{
    public KubeApiTestServer Api { get; }
    public string Kubeconfig { get; }
    private readonly List<WebApplication> _running = [];
    private string? _kubeconfigDirectory;

    private OperatorHarness(KubeApiTestServer api, string kubeconfig)
    {
        Api = api;
        Kubeconfig = kubeconfig;
    }

    /// <param name="installCrd">false to start with no CRD, as a fresh cluster before <c>kubectl apply -f config/crd/</c>.</param>
    /// <param name="crdPath">Another CRD file than the project's (a test of an older schema).</param>
    public static async Task<OperatorHarness> StartAsync(bool installCrd = true, string? crdPath = null)
    {
        var crd = crdPath ?? RepoPaths.Of("config", "crd", "releases.releaseradar.io.yaml");
        var api = await KubeApiTestServer.StartAsync(installCrd ? [crd] : []);
        var dir = Directory.CreateTempSubdirectory("rr-kube-").FullName;
        return new OperatorHarness(api, api.WriteKubeconfig(dir)) { _kubeconfigDirectory = dir };
    }

    public IKubernetes Client() => new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));

    private readonly byte[] _sealKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public async Task<WebApplication> StartOperatorAsync(
        Uri prometheus,
        TimeProvider clock,
        string identity = "replica-a",
        bool leaderElection = false,
        int port = 0,
        string? webhookSecret = null,
        string? kubeconfig = null,
        string leaseNamespace = "default",
        AnalysisDefaults? defaults = null,
        bool apiAuth = false
    )
    {
        var options = new OperatorOptions
        {
            Kubeconfig = kubeconfig ?? Kubeconfig,
            LeaseNamespace = leaseNamespace,
            Prometheus = new PrometheusOptions { Url = prometheus, MaxRetries = 1 },
            Identity = identity,
            LeaderElection = leaderElection,
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(500),
            Listen = $"127.0.0.1:{(port == 0 ? LocalPrometheus.FreePort() : port)}",
            WatchTimeout = TimeSpan.FromSeconds(30),
            Concurrency = 2,
            WebhookSecret = webhookSecret,
            Defaults = defaults ?? AnalysisDefaults.None,
            ApiAuth = apiAuth,
            // One key for every replica and restart of this harness, as the chart's Secret gives them: seals survive restarts.
            StatusSeal = new ReleaseRadar.Operator.Store.StatusSeal(_sealKey),
        };
        var client = ReleaseRadar.Operator.Kubernetes.KubernetesConnection.Create(kubeconfig ?? Kubeconfig, null);
        var app = OperatorHost.Build(options, client, clock, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        _running.Add(app);
        return app;
    }

    public async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
        _running.Remove(app);
    }

    /// <summary>Waits until the operator has scheduled its next interval, so advancing a fake clock cannot race the requeue.</summary>
    public static async Task WaitForRequeueAsync(WebApplication app, int keys = 1)
    {
        var state = (OperatorState)app.Services.GetService(typeof(OperatorState))!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && (state.Controller?.DelayedKeys ?? 0) < keys)
            await Task.Delay(50);
        Assert.True((state.Controller?.DelayedKeys ?? 0) >= keys, "the operator never scheduled its next analysis");
    }

    public JsonObject Apply(string plural, string ns, string json, string group = "releaseradar.io", string version = "v1alpha1")
    {
        var type = Api.Type(group, version, plural);
        Api.Store.EnsureNamespace(Api.Type("", "v1", "namespaces"), ns);
        return Api.Store.Create(type, ns, JsonNode.Parse(json)!.AsObject());
    }

    /// <summary>
    /// Creates a Release and gives it the status the operator would have written by <paramref name="at"/>: the replayed
    /// analysis against <paramref name="prometheus"/>, written through the status subresource.
    /// </summary>
    public async Task<JsonObject> ApplyAnalyzedAsync(string ns, string json, Uri prometheus, DateTimeOffset at, CancellationToken ct)
    {
        var created = Apply("releases", ns, json);
        using var client = new PrometheusClient(new PrometheusOptions { Url = prometheus });
        var release = KubernetesJson.Deserialize<ReleaseRadar.Api.Release>(created.ToJsonString());
        var outcome = await new ReleaseRadar.Analysis.ReleaseAnalyzer(new PrometheusReleaseSource(client)).ReplayAsync(release, at, null, ct);
        // Sealed with this harness's key, as the operator's own earlier writes would be.
        var sealedStatus = new ReleaseRadar.Operator.Store.StatusSeal(_sealKey).Sealed(release.Metadata.Uid, outcome.Status);
        created["status"] = JsonNode.Parse(KubernetesJson.Serialize(sealedStatus));
        var name = created["metadata"]!["name"]!.GetValue<string>();
        return Api.Store.Replace(Api.Type("releaseradar.io", "v1alpha1", "releases"), ns, name, created, statusOnly: true);
    }

    /// <summary>What `kubectl set image` does to container "app": a strategic merge patch of the pod template, a new rollout.</summary>
    public async Task SetImageAsync(string ns, string deployment, string image)
    {
        using var client = Client();
        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"IMAGE"}]}}}}""".Replace(
            "IMAGE",
            image,
            StringComparison.Ordinal
        );
        await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch),
            deployment,
            ns,
            cancellationToken: TestContext.Current.CancellationToken
        );
    }

    public JsonObject Get(string plural, string ns, string name, string group = "releaseradar.io", string version = "v1alpha1") =>
        Api.Store.Get(Api.Type(group, version, plural), ns, name);

    /// <summary>Polls (real time) until the condition holds for the object, or fails with what was last seen.</summary>
    public async Task<JsonObject> WaitForAsync(
        string plural,
        string ns,
        string name,
        Func<JsonObject, bool> condition,
        TimeSpan? timeout = null,
        string group = "releaseradar.io",
        string version = "v1alpha1"
    )
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = Get(plural, ns, name, group, version);
                if (condition(last))
                    return last;
            }
            catch (ApiException) { }
            await Task.Delay(100);
        }
        Assert.Fail(
            $"timed out waiting on {plural} {ns}/{name}; server errors: {string.Join("\n", Api.ServerErrors)}; last seen: "
                + $"{last?["status"]?.ToJsonString() ?? last?.ToJsonString() ?? "(absent)"}"
        );
        return null!;
    }

    /// <param name="deployedAt">null: no spec.deployedAt, so the deploy time is the cluster's (its rollout, or its creation).</param>
    public static string ReleaseJson(string name, string scenario, DateTimeOffset? deployedAt, string extraSpec = "") =>
        "{\"apiVersion\":\"releaseradar.io/v1alpha1\",\"kind\":\"Release\",\"metadata\":{\"name\":\""
        + name
        + "\"},"
        + "\"spec\":{\"version\":\"v2\",\"commit\":\"abc1234\","
        + (deployedAt is { } at ? "\"deployedAt\":\"" + at.ToString("yyyy-MM-ddTHH:mm:ssZ") + "\"," : "")
        + "\"selector\":{\"service\":\"checkout\",\"scenario\":\""
        + scenario
        + "\"}"
        + extraSpec
        + "}}";

    /// <summary>Polls (real time) until the objects of a kind satisfy the condition.</summary>
    public async Task<List<JsonObject>> WaitForListAsync(
        string group,
        string version,
        string plural,
        string ns,
        Func<List<JsonObject>, bool> condition,
        TimeSpan? timeout = null
    )
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        List<JsonObject> items;
        do
        {
            items = Api.Store.List(Api.Type(group, version, plural), ns, _ => true).Items;
            if (condition(items))
                return items;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail(
            $"timed out waiting on {plural} in {ns}; have: "
                + $"{string.Join(", ", items.Select(i => i["reason"]?.ToString() ?? i["metadata"]?["name"]?.ToString()))}"
        );
        return items;
    }

    public static string? Verdict(JsonObject o) => o["status"]?["verdict"]?.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _running.ToList())
            await StopAsync(app);
        await Api.DisposeAsync();
        if (_kubeconfigDirectory is not null)
            Directory.Delete(_kubeconfigDirectory, recursive: true);
    }
}
