namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

public sealed class NamedCluster
{
    public string? Name { get; set; }
    public ClusterEntry? Cluster { get; set; }
}
