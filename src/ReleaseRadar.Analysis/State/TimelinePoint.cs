using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.State;

/// <summary>One point of the release's timeline: the verdict and key values as of one analysis.</summary>
/// <param name="Elapsed">Time since the deploy.</param>
/// <param name="Assessment">The raw assessment before smoothing: what the anti-flapping rule resumes from after a restart.</param>
/// <param name="Onset">Time since the deploy at which a regression seen in this analysis began (negative: before it).</param>
/// <param name="Merged">How many analyses this point stands for once older history has been thinned.</param>
public sealed record TimelinePoint(
    DateTimeOffset At,
    TimeSpan? Elapsed,
    Verdict? Verdict,
    Assessment? Assessment,
    int? RiskScore,
    double? ErrorRate,
    double? ServerErrorRate,
    double? LatencyP95,
    double? LatencyP99,
    double? Throughput,
    TimeSpan? Onset,
    int? Merged
);
