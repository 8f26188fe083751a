namespace ReleaseRadar.Analysis.Spec;

public sealed record TargetReference
{
    public string? Kind { get; init; }
    public string? Name { get; init; }
}
