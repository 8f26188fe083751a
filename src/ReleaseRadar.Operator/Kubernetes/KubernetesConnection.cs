using k8s;

namespace ReleaseRadar.Operator.Kubernetes;

/// <summary>In-cluster config when running in a pod, otherwise a kubeconfig; never the silent localhost:8080 fallback.</summary>
public static class KubernetesConnection
{
    public static IKubernetes Create(string? kubeconfig, string? context)
    {
        KubernetesClientConfiguration config;
        if (kubeconfig is null && KubernetesClientConfiguration.IsInCluster())
            config = KubernetesClientConfiguration.InClusterConfig();
        else
        {
            var path = kubeconfig ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator).FirstOrDefault()
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
            if (!File.Exists(path))
                throw new InvalidOperationException($"No Kubernetes configuration: not running in a cluster and no kubeconfig at {path} (use --kubeconfig or $KUBECONFIG)");
            config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, context);
        }
        return new k8s.Kubernetes(config);
    }
}
