using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>The target Deployment as the shared informer last saw it, read into what a decision needs.</summary>
/// <param name="Exists">False: the Release names a Deployment the cache does not hold.</param>
/// <param name="Revision">Its deployment.kubernetes.io/revision: the rollout it runs now.</param>
/// <param name="ShownVerdict">The verdict its releaseradar.io/verdict annotation shows (null: none, or a word we do not know).</param>
/// <param name="ShownRelease">The Release its releaseradar.io/release annotation names.</param>
/// <param name="ShownRollbackRecommended">Its releaseradar.io/rollback-recommended annotation, read as a boolean.</param>
internal sealed record TargetView(
    string Namespace,
    string Name,
    bool Exists,
    string? Revision = null,
    Verdict? ShownVerdict = null,
    string? ShownRelease = null,
    bool? ShownRollbackRecommended = null
)
{
    /// <summary>How action records and messages name it.</summary>
    public string Reference => $"Deployment/{Name}";

    /// <summary>Whether its annotations already say <paramref name="verdict"/> for <paramref name="release"/>.</summary>
    public bool Shows(Verdict verdict, string? release) =>
        ShownVerdict == verdict && ShownRelease == release && ShownRollbackRecommended == (verdict == Verdict.Risky);
}
