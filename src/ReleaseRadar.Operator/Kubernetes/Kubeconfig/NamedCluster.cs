namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

internal sealed class NamedCluster
{
    public string? Name { get; set; }
    public ClusterEntry? Cluster { get; set; }
}
