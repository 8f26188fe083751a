namespace ReleaseRadar.Analysis.Suspects;

/// <summary>
/// The ranked suspects for a symptom, or "none of these" with its reason: no change in the symptom, a change shared by
/// services no release touched (a shared or external cause), or no release near the onset.
/// </summary>
/// <param name="Metric">The metric judged: the one asked for, or the one that moved most.</param>
public sealed record SuspectsAnswer(
    SymptomMetric Metric,
    SymptomOnset? Onset,
    IReadOnlyList<Suspect> Ranked,
    string? NoneOfThese,
    IReadOnlyList<string> ChangedTogether
);
