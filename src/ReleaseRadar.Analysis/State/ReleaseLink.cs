using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.State;

/// <summary>A neighbouring Release of the same target in the order of their rollouts: its name, version and verdict.</summary>
public sealed record ReleaseLink(string Name, string? Version, Verdict? Verdict);
