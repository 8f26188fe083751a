namespace ReleaseRadar.Operator.Controller;

/// <summary>One verdict change to announce.</summary>
public sealed record WebhookMessage(string Release, string Text, int Attempt = 1);
