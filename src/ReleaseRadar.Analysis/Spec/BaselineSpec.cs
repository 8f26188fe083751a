namespace ReleaseRadar.Analysis.Spec;

/// <summary>
/// Without a selector the baseline is the same selector over <see cref="Window"/> before the deploy. With a selector it is
/// that population (a stable deployment) over the same time range as the release, canary-style.
/// </summary>
public sealed record BaselineSpec
{
    public Dictionary<string, string>? Selector { get; init; }
    public string? Window { get; init; }
}
