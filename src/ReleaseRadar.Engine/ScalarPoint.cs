namespace ReleaseRadar.Engine;

/// <summary>One point of a scalar series (a custom PromQL metric), per step.</summary>
public readonly record struct ScalarPoint(DateTimeOffset Time, double Value);
