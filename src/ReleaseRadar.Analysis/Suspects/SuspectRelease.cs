using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.Suspects;

/// <summary>
/// A release deployed in the look-back: which service it changed, when, its own verdict, and the services it calls
/// (spec.dependsOn, or a mesh's caller and callee labels), so a caller's symptom can point at it.
/// </summary>
public sealed record SuspectRelease(
    string Key,
    string? Version,
    string Service,
    DateTimeOffset DeployedAt,
    Verdict? Verdict,
    IReadOnlyList<string> Calls
);
