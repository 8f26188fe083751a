using System.Collections.Immutable;
using ReleaseRadar.Analysis.Lineage;
using ReleaseRadar.Analysis.State;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>What a reconcile saw besides the stored state, for <see cref="ReconcileDecision.Decide"/>.</summary>
/// <param name="Subject">The Release the state belongs to.</param>
/// <param name="Analysed">The state the analysis run for this reconcile produced; null when none was due.</param>
/// <param name="Target">The target Deployment; null when the spec names none.</param>
/// <param name="Leading">Whether this replica holds the leader lease (always, without leader election).</param>
/// <param name="Unrecorded">
/// Actions an earlier attempt carried out whose status write then conflicted: they happened, so they are recorded now
/// and never carried out twice.
/// </param>
/// <param name="Binding">The rollout the Release is bound to: as stored, or bound by this reconcile (null: none yet).</param>
/// <param name="Neighbours">The other Releases of its target, as they bear on it.</param>
internal sealed record Observation(
    ReleaseSubject Subject,
    ReleaseState? Analysed,
    TargetView? Target,
    bool Leading,
    ImmutableArray<ActionTaken> Unrecorded,
    RevisionBinding? Binding = null,
    Neighbours? Neighbours = null
)
{
    /// <summary>Whether the target runs another rollout than the one the Release is bound to.</summary>
    public bool MovedOn => Binding?.Revision is { } bound && Target is { Exists: true, Revision: { } now } && now != bound;
}
