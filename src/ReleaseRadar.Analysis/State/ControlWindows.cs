namespace ReleaseRadar.Analysis.State;

/// <summary>The control population's values over the release's window and over the baseline's.</summary>
public sealed record ControlWindows(WindowValues Current, WindowValues Baseline);
