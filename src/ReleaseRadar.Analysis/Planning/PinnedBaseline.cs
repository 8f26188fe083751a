using ReleaseRadar.Analysis.State;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>A baseline read from a fixed, known-clean window instead of the pre-deploy one, and the sentence that says why.</summary>
public sealed record PinnedBaseline(TimeWindow Window, string Reason);
