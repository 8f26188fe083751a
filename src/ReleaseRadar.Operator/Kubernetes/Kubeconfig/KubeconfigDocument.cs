using YamlDotNet.Serialization;

namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

/// <summary>The parts of a kubeconfig that choose and reach a cluster (kubectl's names); the rest is skipped.</summary>
internal sealed class KubeconfigDocument
{
    [YamlMember(Alias = "current-context", ApplyNamingConventions = false)]
    public string? CurrentContext { get; set; }
    public List<NamedCluster> Clusters { get; set; } = [];
    public List<NamedContext> Contexts { get; set; } = [];
    public List<NamedUser> Users { get; set; } = [];
}
