using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.Suspects;

/// <summary>One service's per-step traffic over the look-back, as the engine reads a window.</summary>
public sealed record ServiceTraffic(string Service, IReadOnlyList<StepSample> Steps);
