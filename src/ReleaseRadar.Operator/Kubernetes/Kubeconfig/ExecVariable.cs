namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

public sealed class ExecVariable
{
    public string? Name { get; set; }
    public string? Value { get; set; }
}
