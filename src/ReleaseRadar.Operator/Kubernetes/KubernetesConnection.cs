using k8s;
using Microsoft.Extensions.Logging;

namespace ReleaseRadar.Operator.Kubernetes;

/// <summary>
/// In-cluster config when running in a pod, otherwise a kubeconfig; never the silent localhost:8080 fallback. Every
/// client honours the API server's 429 Retry-After (<see cref="ApiServerThrottling"/>).
/// </summary>
public static class KubernetesConnection
{
    public static IKubernetes Create(string? kubeconfig, string? context, ILogger? logger = null) =>
        Create(Configuration(kubeconfig, context), logger);

    public static IKubernetes Create(KubernetesClientConfiguration config, ILogger? logger = null) =>
        new k8s.Kubernetes(config, new ApiServerThrottling(logger));

    /// <summary>Where and how to connect; throws when there is no configuration at all.</summary>
    public static KubernetesClientConfiguration Configuration(string? kubeconfig, string? context)
    {
        KubernetesClientConfiguration config;
        if (kubeconfig is null && KubernetesClientConfiguration.IsInCluster())
            config = KubernetesClientConfiguration.InClusterConfig();
        else
        {
            var path =
                kubeconfig
                ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator).FirstOrDefault()
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
            if (!File.Exists(path))
                throw new InvalidOperationException(
                    $"No Kubernetes configuration: not running in a cluster and no kubeconfig at {path} (use --kubeconfig or $KUBECONFIG)"
                );
            config = KubernetesClientConfiguration.BuildConfigFromConfigObject(KubeconfigFile.Read(path), context);
        }
        return config;
    }
}
