namespace ReleaseRadar.Engine.Baselines;

/// <summary>What a stretch of the baseline that is not the service's usual self is taken to be.</summary>
public enum StretchKind
{
    /// <summary>Higher than the rest, then back to normal before the deploy: a blip or an incident. Left out.</summary>
    Excursion,

    /// <summary>
    /// Higher than the rest from a few minutes before the declared deploy time up to it: most likely the release's own
    /// change, with a deploy time that is late (a hook that ran late, clock skew). Left out, and reported as its onset.
    /// </summary>
    EarlyOnset,

    /// <summary>Higher than the rest since long before the deploy, and still so at it: an incident the release shipped into.</summary>
    Ongoing,

    /// <summary>Lower than the rest: most of the baseline ran worse than this stretch, so which level is usual is unclear.</summary>
    Lower,
}
