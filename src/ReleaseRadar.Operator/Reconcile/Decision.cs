using System.Collections.Immutable;
using ReleaseRadar.Analysis.State;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// What a reconcile decided: the state to store and what to do to the target first. <paramref name="Leading"/> false: this
/// replica lost the lease, so nothing is done and nothing written (the state is the one loaded).
/// </summary>
internal sealed record Decision(ReleaseState Next, ImmutableArray<TargetIntent> Intents, bool Leading = true);
