namespace ReleaseRadar.Analysis.State;

/// <summary>Where a Release's deploy time comes from.</summary>
public enum BindingSource
{
    /// <summary>The creation of the rollout's ReplicaSet: a fact of the cluster, whatever the hook's clock said.</summary>
    ReplicaSet,

    /// <summary>spec.deployedAt: there is no ReplicaSet to read the time from (no target, or a template seen before).</summary>
    DeployedAt,

    /// <summary>The Release's creation time: no ReplicaSet and no spec.deployedAt.</summary>
    Created,
}
