using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>The target Deployment as the shared informer last saw it, read into what a decision needs.</summary>
/// <param name="Exists">False: the Release names a Deployment the cache does not hold.</param>
/// <param name="Revision">Its deployment.kubernetes.io/revision: the rollout it runs now.</param>
/// <param name="ShownVerdict">The verdict its releaseradar.io/verdict annotation shows (null: none, or a word we do not know).</param>
/// <param name="ShownRelease">The Release its releaseradar.io/release annotation names.</param>
/// <param name="ShownRollbackRecommended">Its releaseradar.io/rollback-recommended annotation, read as a boolean.</param>
/// <param name="RolledBackBy">The Release its releaseradar.io/rolled-back-by annotation names: who last undid it.</param>
/// <param name="RolledBackFrom">Its releaseradar.io/rolled-back-from annotation: the pod-template-hash that Undo took away.</param>
/// <param name="Settled">
/// Whether the Deployment controller has seen its latest spec (status.observedGeneration), so that its revision and
/// ReplicaSets are the spec's: a Release is bound only then.
/// </param>
internal sealed record TargetView(
    string Namespace,
    string Name,
    bool Exists,
    string? Revision = null,
    Verdict? ShownVerdict = null,
    string? ShownRelease = null,
    bool? ShownRollbackRecommended = null,
    string? RolledBackBy = null,
    string? RolledBackFrom = null,
    bool Settled = true
)
{
    /// <summary>How action records and messages name it.</summary>
    public string Reference => $"Deployment/{Name}";

    /// <summary>Whether its annotations already say <paramref name="verdict"/> for <paramref name="release"/>.</summary>
    public bool Shows(Verdict verdict, string? release) =>
        ShownVerdict == verdict && ShownRelease == release && ShownRollbackRecommended == (verdict == Verdict.Risky);
}
