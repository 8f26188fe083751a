namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

internal sealed class NamedContext
{
    public string? Name { get; set; }
    public ContextEntry? Context { get; set; }
}
