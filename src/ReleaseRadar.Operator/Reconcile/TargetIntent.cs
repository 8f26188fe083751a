using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>Something a decision asks to be done to the target Deployment; <see cref="DeploymentActions"/> carries it out.</summary>
internal abstract record TargetIntent(TargetView Target, Verdict Verdict)
{
    /// <summary>Write the verdict into the target's releaseradar.io/ annotations.</summary>
    public sealed record Annotate(TargetView Target, Verdict Verdict, int RiskScore, string Summary, string Release) : TargetIntent(Target, Verdict);

    /// <summary>
    /// Roll the target back to the pod template of the revision before <paramref name="Revision"/>, only while it still
    /// runs <paramref name="Revision"/> on the ReplicaSet of <paramref name="Hash"/>: the rollout that was judged, by
    /// <paramref name="Release"/>.
    /// </summary>
    public sealed record Undo(TargetView Target, string Revision, string? Hash, string Release) : TargetIntent(Target, Verdict.Risky);
}
