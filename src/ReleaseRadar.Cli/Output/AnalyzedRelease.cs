using ReleaseRadar.Api;

namespace ReleaseRadar.Cli.Output;

/// <summary>One entry of `analyze -o json` over several Releases: which one, and its status.</summary>
public sealed record AnalyzedRelease(string Release, ReleaseStatus Status);
