namespace ReleaseRadar.Engine;

/// <summary>The control population's own change over the same period, which the release's change is discounted by.</summary>
public sealed record ControlShift(double? Current, double? Baseline, double Ratio);
