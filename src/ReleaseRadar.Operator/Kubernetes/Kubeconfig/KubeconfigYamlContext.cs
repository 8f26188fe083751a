using YamlDotNet.Serialization;

namespace ReleaseRadar.Operator.Kubernetes.Kubeconfig;

/// <summary>YamlDotNet's generated (reflection-free) readers for the kubeconfig shapes above.</summary>
[YamlStaticContext]
[YamlSerializable(typeof(KubeconfigDocument))]
[YamlSerializable(typeof(NamedCluster))]
[YamlSerializable(typeof(ClusterEntry))]
[YamlSerializable(typeof(NamedContext))]
[YamlSerializable(typeof(ContextEntry))]
[YamlSerializable(typeof(NamedUser))]
[YamlSerializable(typeof(UserEntry))]
[YamlSerializable(typeof(ExecEntry))]
[YamlSerializable(typeof(ExecVariable))]
public sealed partial class KubeconfigYamlContext : StaticContext;
