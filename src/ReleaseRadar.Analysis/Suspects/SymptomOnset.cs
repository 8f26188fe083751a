namespace ReleaseRadar.Analysis.Suspects;

/// <summary>Where the symptom's own change point falls, and its level before and after (in the metric's unit).</summary>
public sealed record SymptomOnset(DateTimeOffset At, double Before, double After);
