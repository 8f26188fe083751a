namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

internal sealed class ExecVariable
{
    public string? Name { get; set; }
    public string? Value { get; set; }
}
