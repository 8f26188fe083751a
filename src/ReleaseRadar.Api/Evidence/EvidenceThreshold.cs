namespace ReleaseRadar.Api.Evidence;

/// <summary>
/// One metric's gate: a regression needs ratio ≥ min_ratio and an increase ≥ min_increase (in the metric's unit: a ratio
/// for error rates, milliseconds for latencies), and p &lt; alpha; a critical one alone makes the release risky.
/// </summary>
public sealed record EvidenceThreshold(double MinRatio, double MinIncrease, double Alpha, bool Critical);
