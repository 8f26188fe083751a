namespace ReleaseRadar.Engine.Baselines;

/// <summary>
/// A run of baseline steps whose level differs from the rest of the baseline beyond both tests.
/// </summary>
/// <param name="Start">Where its first step begins (the step's end time minus one step).</param>
/// <param name="End">Where its last step ends.</param>
/// <param name="Level">The metric over the stretch (a ratio, or seconds).</param>
/// <param name="Rest">The metric over the rest of the baseline.</param>
public sealed record BaselineStretch(DateTimeOffset Start, DateTimeOffset End, double Level, double Rest, StretchKind Kind)
{
    public TimeSpan Length => End - Start;
}
