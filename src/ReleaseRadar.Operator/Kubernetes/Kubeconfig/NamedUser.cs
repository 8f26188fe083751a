namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

public sealed class NamedUser
{
    public string? Name { get; set; }
    public UserEntry? User { get; set; }
}
