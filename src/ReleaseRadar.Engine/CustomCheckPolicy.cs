namespace ReleaseRadar.Engine;

/// <summary>A custom PromQL metric's judgement settings.</summary>
public sealed record CustomCheckPolicy(string Name, Thresholds Thresholds, double Weight, Direction Direction, bool Optional);
