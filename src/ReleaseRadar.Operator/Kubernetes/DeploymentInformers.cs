using k8s.Models;

namespace ReleaseRadar.Operator.Kubernetes;

/// <summary>The leader's Deployment informers: one per watched namespace, or one for all.</summary>
internal sealed class DeploymentInformers(IReadOnlyList<DeploymentInformer> informers)
{
    public IReadOnlyList<DeploymentInformer> All => informers;

    public bool Synced => informers.All(i => i.Synced);

    /// <summary>The cached Deployment, or null when it does not exist or no informer watches its namespace.</summary>
    public V1Deployment? Get(string ns, string name) => informers.FirstOrDefault(i => i.Covers(ns))?.Get(ns, name);
}
