using System.Collections.Immutable;
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
internal sealed record Observation(
    ReleaseSubject Subject,
    ReleaseState? Analysed,
    TargetView? Target,
    bool Leading,
    ImmutableArray<ActionTaken> Unrecorded
);
