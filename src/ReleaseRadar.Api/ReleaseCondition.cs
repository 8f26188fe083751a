namespace ReleaseRadar.Api;

/// <summary>A condition following the Kubernetes API conventions.</summary>
public sealed record ReleaseCondition
{
    public string? Type { get; init; }
    public string? Status { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public string? LastTransitionTime { get; init; }
    public long? ObservedGeneration { get; init; }
}
