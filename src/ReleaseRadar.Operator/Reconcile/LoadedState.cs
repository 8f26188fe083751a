using k8s.Models;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Operator.Store;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>What a reconcile loads for one key, from caches: the Release and its typed state, its target, the lease.</summary>
/// <param name="Stored">The Release as its store holds it, passed back to the store for the status write.</param>
/// <param name="Deployment">The target as the Deployment informer holds it (null: no target, or not found).</param>
/// <param name="ReplicaSets">The target's ReplicaSets, read only while the Release is not yet bound (null: not read).</param>
/// <param name="Untrusted">
/// The stored status is not the operator's own (its seal does not match): <see cref="State"/> then starts over, keeping
/// only the record of actions carried out, so that nothing is repeated and nothing is decided from a forged verdict.
/// </param>
internal sealed record LoadedState(
    LoadedRelease Stored,
    ReleaseSubject Subject,
    ReleaseState State,
    TargetView? Target,
    V1Deployment? Deployment,
    bool Leading,
    IReadOnlyList<ReplicaSetFact>? ReplicaSets = null,
    bool Untrusted = false
);
