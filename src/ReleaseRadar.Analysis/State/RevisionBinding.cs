namespace ReleaseRadar.Analysis.State;

/// <summary>
/// The rollout a Release is about, fixed when its analysis begins: the Deployment's revision, the ReplicaSet that runs it
/// and its pod-template-hash, and when it was deployed. The verdict is about this rollout and no other: once the
/// Deployment runs something else the Release is superseded, and an Undo applies only while this ReplicaSet still runs.
/// </summary>
/// <param name="Revision">deployment.kubernetes.io/revision of the bound ReplicaSet when bound (null: the Deployment has none).</param>
/// <param name="PodTemplateHash">The bound ReplicaSet's pod-template-hash label: the template that was judged.</param>
/// <param name="ReplicaSet">The bound ReplicaSet's name.</param>
/// <param name="DeployedAt">The deploy time the analysis windows are anchored at.</param>
/// <param name="Source">Where <paramref name="DeployedAt"/> comes from.</param>
/// <param name="Note">What the binding had to reconcile (spec.deployedAt disagreeing with the cluster), for the reader.</param>
public sealed record RevisionBinding(
    string? Revision,
    string? PodTemplateHash,
    string? ReplicaSet,
    DateTimeOffset DeployedAt,
    BindingSource Source,
    string? Note = null
);
