using YamlDotNet.Serialization;

namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

internal sealed class ExecEntry
{
    public string? ApiVersion { get; set; }
    public string? Command { get; set; }
    public List<string> Args { get; set; } = [];
    public List<ExecVariable> Env { get; set; } = [];

    [YamlMember(Alias = "provideClusterInfo", ApplyNamingConventions = false)]
    public bool ProvideClusterInfo { get; set; }
}
