namespace ReleaseRadar.Analysis.Suspects;

/// <summary>How close and how large a change must be to count.</summary>
/// <param name="MinRatio">A change is material when after/before is at least this (or before/after, for a fall of traffic).</param>
/// <param name="MinIncrease">And, for rates, when the increase is at least this (a ratio).</param>
/// <param name="SameMoment">Two changes this close are the same moment.</param>
/// <param name="Proximity">A release deployed this long before the onset scores 1/e of one deployed just before it.</param>
/// <param name="SharedShare">The share of the other services that must change at the moment for a shared cause.</param>
/// <param name="DeclaredLate">
/// A release whose declared deploy is up to this long after the onset stays a suspect, at half its score: a hook that ran
/// after the rollout, or a clock off by minutes, declares a deploy late.
/// </param>
public sealed record SuspectPolicy(
    double MinRatio,
    double MinIncrease,
    TimeSpan SameMoment,
    TimeSpan Proximity,
    double SharedShare,
    TimeSpan DeclaredLate
)
{
    public static SuspectPolicy Default { get; } = new(1.5, 0.002, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(15), 0.2, TimeSpan.FromMinutes(5));
}
