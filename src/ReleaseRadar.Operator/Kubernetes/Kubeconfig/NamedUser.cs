namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

internal sealed class NamedUser
{
    public string? Name { get; set; }
    public UserEntry? User { get; set; }
}
