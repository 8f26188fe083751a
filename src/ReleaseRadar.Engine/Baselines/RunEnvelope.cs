namespace ReleaseRadar.Engine.Baselines;

/// <summary>
/// How far runs of the release window's length go in this service's own clean baseline: what they typically read, the
/// highest one observed, and the bound a run may reach by chance (a prediction bound, not an observation).
/// </summary>
/// <param name="Length">The run length, in steps (the release window's, or the recent window's).</param>
/// <param name="Runs">How many runs of that length the baseline holds, overlapping.</param>
public sealed record RunEnvelope(int Length, TimeSpan Duration, int Runs, double Typical, double Highest, double Bound);
