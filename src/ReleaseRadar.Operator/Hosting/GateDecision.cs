namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// A deployment gate's answer (Argo Rollouts' web metric, a pipeline step): always a decision, never a missing key or a
/// 404 while the release is still being created or warming up. "wait" holds the gate, "pass" and "fail" are final.
/// </summary>
internal sealed record GateDecision(string Decision, string Verdict, string Phase, string Reason);
