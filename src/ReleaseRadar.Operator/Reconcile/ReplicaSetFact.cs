namespace ReleaseRadar.Operator.Reconcile;

/// <summary>A ReplicaSet of the target Deployment, read into what binding a Release to its rollout needs.</summary>
/// <param name="Revision">Its deployment.kubernetes.io/revision (a template rolled back to gets the next revision).</param>
/// <param name="Hash">Its pod-template-hash label: which template it runs.</param>
internal sealed record ReplicaSetFact(string Name, string? Revision, string? Hash, DateTimeOffset Created);
