using YamlDotNet.Serialization;

namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

internal sealed class ContextEntry
{
    public string? Cluster { get; set; }
    public string? User { get; set; }

    [YamlMember(Alias = "namespace", ApplyNamingConventions = false)]
    public string? Namespace { get; set; }
}
