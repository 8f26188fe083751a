namespace ReleaseRadar.Analysis.Suspects;

/// <summary>
/// One ranked release with its evidence: how long before the onset it was deployed, whether its own service changed at
/// the same moment, whether the symptom's service calls it, and the sentence that says so.
/// </summary>
public sealed record Suspect(
    SuspectRelease Release,
    double Score,
    TimeSpan DeployToOnset,
    bool OwnServiceChanged,
    bool CalledBySymptom,
    string Sentence
);
