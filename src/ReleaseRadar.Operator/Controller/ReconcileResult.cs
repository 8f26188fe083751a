namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// When to look at a key again (null: only when something about it changes); Backoff: an action failed, retry with the queue's backoff.
/// </summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter, bool Backoff = false);
