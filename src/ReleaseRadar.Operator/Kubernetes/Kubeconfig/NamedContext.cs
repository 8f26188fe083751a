namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

public sealed class NamedContext
{
    public string? Name { get; set; }
    public ContextEntry? Context { get; set; }
}
