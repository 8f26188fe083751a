namespace ReleaseRadar.Api;

/// <summary>status.binding: the rollout the Release is bound to.</summary>
public sealed record RevisionBindingStatus
{
    public string? Revision { get; init; }
    public string? PodTemplateHash { get; init; }
    public string? ReplicaSet { get; init; }
    public string? DeployedAt { get; init; }

    /// <summary>Where deployedAt comes from: ReplicaSet, DeployedAt (spec.deployedAt) or Created (the Release's creation).</summary>
    public string? Source { get; init; }
    public string? Note { get; init; }
}
