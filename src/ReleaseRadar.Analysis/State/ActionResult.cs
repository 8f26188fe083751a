namespace ReleaseRadar.Analysis.State;

/// <summary>How an action on the target ended. Failed is retried at the next reconcile; Skipped is final.</summary>
public enum ActionResult
{
    Succeeded,
    Skipped,
    Failed,
}
