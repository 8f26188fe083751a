namespace ReleaseRadar.Api;

/// <summary>One ranked release: its key, service, deploy time, own verdict, score, and the evidence behind it.</summary>
public sealed record SuspectEntry(
    string Release,
    string? Version,
    string Service,
    string DeployedAt,
    string? Verdict,
    double Score,
    double DeployToOnsetSeconds,
    bool OwnServiceChanged,
    bool CalledBySymptom,
    string Sentence
);
