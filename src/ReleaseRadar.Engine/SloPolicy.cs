namespace ReleaseRadar.Engine;

/// <summary>
/// An availability objective (a share of requests that must not fail with 5xx, e.g. 0.999). With it, the 5xx check's
/// practical test asks how much faster the release burns the error budget instead of applying a fixed ratio: a release
/// that adds more than <paramref name="MaxBurnRateIncrease"/> times the sustainable burn rate has regressed.
/// </summary>
public sealed record SloPolicy(double Objective, double MaxBurnRateIncrease = 1.0)
{
    /// <summary>The error budget: the share of requests allowed to fail.</summary>
    public double Budget => 1 - Objective;

    /// <summary>How many times the sustainable rate an error ratio burns the budget at (1 = exactly on budget).</summary>
    public double BurnRate(double errorRatio) => errorRatio / Budget;
}
