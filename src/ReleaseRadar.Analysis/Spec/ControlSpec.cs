namespace ReleaseRadar.Analysis.Spec;

/// <summary>A population the release did not change; a change it shares is not blamed on the release.</summary>
public sealed record ControlSpec
{
    public Dictionary<string, string>? Selector { get; init; }
}
