using System.Net.Sockets;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator;
using ReleaseRadar.Operator.Hosting;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Simulation;
using Testcontainers.K3s;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// A real K3s through Testcontainers.K3s, when a Docker engine is reachable and the K3s image is there or can be pulled
/// (GitHub Actions). Where not, every test here is skipped with the precise reason, visibly, before anything can hang.
/// </summary>
public sealed class K3sCluster : IAsyncLifetime
{
    public const string Image = "rancher/k3s:v1.33.5-k3s1";

    public K3sContainer? Container { get; private set; }
    public string? Kubeconfig { get; private set; }
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!DockerReachable(out var why))
        {
            SkipReason = why;
            return;
        }
        if (await ImageUnavailableAsync(Image) is { } missing)
        {
            SkipReason = missing;
            return;
        }
        try
        {
            Container = new K3sBuilder(Image).Build();
            await Container.StartAsync();
            Kubeconfig = Path.Combine(Directory.CreateTempSubdirectory("rr-k3s-").FullName, "kubeconfig");
            await File.WriteAllTextAsync(Kubeconfig, await Container.GetKubeconfigAsync());
            var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(
                await File.ReadAllTextAsync(RepoPaths.Of("config", "crd", "releases.releaseradar.io.yaml"))
            );
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            for (var i = 0; i < 60; i++)
            {
                var current = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name);
                if (current.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
                    return;
                await Task.Delay(500);
            }
            SkipReason = "the Release CRD never became Established in K3s";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SkipReason = $"K3s could not be started through Testcontainers: {e.GetBaseException().Message}";
        }
    }

    private static string SocketPath => (Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock")["unix://".Length..];

    /// <summary>
    /// Null when the engine has the image or pulls it within two minutes; otherwise why not, in the engine's words. Asked
    /// of the Docker API directly, so a registry that cannot be reached is a skip, not a Testcontainers start that hangs.
    /// </summary>
    private static async Task<string?> ImageUnavailableAsync(string image)
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { } h && !h.StartsWith("unix://", StringComparison.Ordinal))
            return null; // a remote engine: let Testcontainers try
        using var http = new HttpClient(
            new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            }
        )
        {
            BaseAddress = new Uri("http://docker/"),
            Timeout = TimeSpan.FromMinutes(2),
        };
        try
        {
            if ((await http.GetAsync($"images/{image}/json")).IsSuccessStatusCode)
                return null;
            var (name, tag) = (image[..image.LastIndexOf(':')], image[(image.LastIndexOf(':') + 1)..]);
            using var pull = await http.PostAsync($"images/create?fromImage={Uri.EscapeDataString(name)}&tag={tag}", null);
            var body = await pull.Content.ReadAsStringAsync();
            var error = body.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("\"error\"", StringComparison.Ordinal));
            if (pull.IsSuccessStatusCode && error is null)
                return null;
            return $"the K3s image {image} is not pullable here (the Docker engine answered HTTP {(int)pull.StatusCode}: "
                + $"{(error ?? body).Trim()}); the same operator tests run against the Kubernetes API test server";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
        {
            return $"the K3s image {image} is not pullable here: {e.Message}";
        }
    }

    private static bool DockerReachable(out string reason)
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock";
        reason =
            $"no Docker engine reachable at {host} (K3s runs through Testcontainers; the same operator tests run against the Kubernetes API "
            + $"test server)";
        if (!host.StartsWith("unix://", StringComparison.Ordinal))
            return true; // tcp hosts: let Testcontainers try
        var path = host["unix://".Length..];
        if (!File.Exists(path))
            return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Container is not null)
            await Container.DisposeAsync();
    }
}

public sealed class K3sOperatorTests(K3sCluster k3s, BackfilledPrometheus prometheus) : IClassFixture<K3sCluster>, IClassFixture<BackfilledPrometheus>
{
    private async Task<(IKubernetes Client, WebApplication Operator)> StartAsync()
    {
        if (k3s.SkipReason is { } reason)
        {
            if (Environment.GetEnvironmentVariable("RELEASERADAR_REQUIRE_K3S") == "1")
                Assert.Fail(reason);
            Assert.Skip(reason);
        }
        PrometheusRequirement.EnsureAvailable();
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(k3s.Kubeconfig!));
        var app = OperatorHost.Build(
            new OperatorOptions
            {
                Kubeconfig = k3s.Kubeconfig,
                Prometheus = new PrometheusOptions { Url = prometheus.Server!.Url },
                LeaderElection = true,
                Identity = "k3s-test-" + Guid.NewGuid().ToString("N")[..6],
                Listen = $"127.0.0.1:{LocalPrometheus.FreePort()}",
            },
            client,
            logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
        );
        await app.StartAsync(TestContext.Current.CancellationToken);
        return (client, app);
    }

    private static Release MakeRelease(string ns, string name, string scenario, string? target = null, string rollback = "None") =>
        new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new ReleaseSpec
            {
                Version = "v2",
                DeployedAt = BackfilledPrometheus.Deploy.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                Selector = new() { ["service"] = "checkout", ["scenario"] = scenario },
                Target = target is null ? null : new TargetReference { Kind = "Deployment", Name = target },
                Rollback = rollback,
            },
        };

    private static async Task<Release> WaitAsync(IKubernetes client, string ns, string name, Func<Release, bool> condition, int seconds = 90)
    {
        Release? last = null;
        for (var i = 0; i < seconds * 2; i++)
        {
            last = await client.CustomObjects.GetNamespacedCustomObjectAsync<Release>(Release.Group, Release.Version, ns, Release.Plural, name);
            if (condition(last))
                return last;
            await Task.Delay(500);
        }
        Assert.Fail($"Release {ns}/{name} never met the condition; status: {KubernetesJson.Serialize(last?.Status)}");
        return null!;
    }

    [Fact]
    public async Task An_applied_release_gets_a_verdict_on_k3s()
    {
        var (client, app) = await StartAsync();
        await using var _ = app;
        var ns = "rr-" + Guid.NewGuid().ToString("N")[..6];
        await client.CoreV1.CreateNamespaceAsync(
            new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } },
            cancellationToken: TestContext.Current.CancellationToken
        );
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            MakeRelease(ns, "good", "good"),
            Release.Group,
            Release.Version,
            ns,
            Release.Plural,
            cancellationToken: TestContext.Current.CancellationToken
        );
        var r = await WaitAsync(client, ns, "good", x => x.Status?.Phase == "Completed");
        Assert.Equal("OK", r.Status!.Verdict);
    }

    [Fact]
    public async Task A_bad_release_rolls_back_a_real_deployment_on_k3s()
    {
        var (client, app) = await StartAsync();
        await using var _ = app;
        var ct = TestContext.Current.CancellationToken;
        var ns = "rr-" + Guid.NewGuid().ToString("N")[..6];
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);
        V1Deployment Deployment(string image) =>
            new()
            {
                Metadata = new V1ObjectMeta { Name = "checkout", NamespaceProperty = ns },
                Spec = new V1DeploymentSpec
                {
                    Replicas = 1,
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "checkout" } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "checkout" } },
                        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = image }] },
                    },
                },
            };
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("registry.k8s.io/pause:3.9"), ns, cancellationToken: ct);
        // The Deployment controller stamps revision 1 once it has rolled the first template out; change it only then.
        async Task<string?> Revision() =>
            (await client.AppsV1.ReadNamespacedDeploymentAsync("checkout", ns, cancellationToken: ct)).Metadata.Annotations is { } a
            && a.TryGetValue("deployment.kubernetes.io/revision", out var r)
                ? r
                : null;
        for (var i = 0; i < 60 && await Revision() != "1"; i++)
            await Task.Delay(500, ct);
        var d = await client.AppsV1.ReadNamespacedDeploymentAsync("checkout", ns, cancellationToken: ct);
        d.Spec.Template.Spec.Containers[0].Image = "registry.k8s.io/pause:3.10";
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "checkout", ns, cancellationToken: ct);
        for (var i = 0; i < 60 && await Revision() != "2"; i++)
            await Task.Delay(500, ct);

        await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            MakeRelease(ns, "bad", "errors", "checkout", "Undo"),
            Release.Group,
            Release.Version,
            ns,
            Release.Plural,
            cancellationToken: ct
        );
        var r = await WaitAsync(client, ns, "bad", x => x.Status?.Actions?.Any(a => a.Action == "Undo") == true);
        Assert.Equal(StatusWire.Word(Verdict.Risky), r.Status!.Verdict);
        Assert.Equal("Succeeded", r.Status.Actions!.Single(a => a.Action == "Undo").Result);
        var after = await client.AppsV1.ReadNamespacedDeploymentAsync("checkout", ns, cancellationToken: ct);
        Assert.Equal("registry.k8s.io/pause:3.9", after.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(StatusWire.Word(Verdict.Risky), after.Metadata.Annotations!["releaseradar.io/verdict"]);
    }
}
