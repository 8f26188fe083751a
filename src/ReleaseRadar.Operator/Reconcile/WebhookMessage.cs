namespace ReleaseRadar.Operator.Reconcile;

/// <summary>One verdict change to announce.</summary>
internal sealed record WebhookMessage(string Release, string Text, int Attempt = 1);
