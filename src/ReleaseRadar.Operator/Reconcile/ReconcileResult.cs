namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// When to look at a key again: after <paramref name="RequeueAfter"/> (null: only when something about it changes), or,
/// when <paramref name="RetryBecause"/> says why, on the key's backoff from <paramref name="RetryFrom"/> (an action failed,
/// the status write conflicted, the lease was lost), as controller-runtime requeues an error.
/// </summary>
internal sealed record ReconcileResult(TimeSpan? RequeueAfter, string? RetryBecause = null, TimeSpan RetryFrom = default)
{
    public static ReconcileResult Done { get; } = new(RequeueAfter: null);

    /// <summary>Retried on the key's backoff, from one second (a failure) or from <paramref name="from"/>.</summary>
    public static ReconcileResult Retry(string because, TimeSpan? from = null) => new(null, because, from ?? TimeSpan.FromSeconds(1));
}
