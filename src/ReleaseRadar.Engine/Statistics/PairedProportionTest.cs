using MathNet.Numerics.Distributions;

namespace ReleaseRadar.Engine.Statistics;

/// <summary>
/// A canary against its stable pods, step by step: the Cochran–Mantel–Haenszel test of "the canary's share is no higher",
/// stratified by step. Each step compares the two populations at the same moment, so whatever hits both (an incident, a
/// load spike, the time of day) moves both and cancels; only the canary's excess over the stable pods, step after step,
/// counts as evidence. The steps' own scatter beyond counting noise (pods that differ from minute to minute) widens it:
/// estimated from the steps' residuals, starting from a prior worth <see cref="PriorSteps"/> steps, so that the first few
/// steps cannot claim a precision they have not shown.
/// </summary>
public static class PairedProportionTest
{
    /// <summary>One step: the canary's events and requests, and the stable pods' over the same step.</summary>
    public readonly record struct Stratum(double Events, double Requests, double StableEvents, double StableRequests);

    /// <summary>The outcome of the test.</summary>
    /// <param name="PValue">One-sided: how likely an excess this large is if the canary's share matches the stable pods' at every step.</param>
    /// <param name="Expected">The canary's share had it matched the stable pods at each step, weighted by its own requests.</param>
    /// <param name="Dispersion">The steps' scatter beyond counting noise (1: none), which widened the test.</param>
    public readonly record struct Result(double PValue, double Expected, double Dispersion);

    /// <summary>How many steps' worth of weight the prior dispersion carries.</summary>
    public const int PriorSteps = 5;

    /// <param name="strata">The steps.</param>
    /// <param name="priorDispersion">The scatter assumed before the steps show theirs (the stable pods' own, step to step).</param>
    public static Result IncreasePValue(IReadOnlyList<Stratum> strata, double priorDispersion)
    {
        double observed = 0,
            mean = 0,
            variance = 0,
            requests = 0,
            expected = 0;
        var residuals = new List<double>();
        foreach (var s in strata)
        {
            if (s.Requests <= 0 || s.StableRequests <= 0)
                continue;
            var total = s.Requests + s.StableRequests;
            var events = s.Events + s.StableEvents;
            // Conditional on the step's margins, the canary's events are hypergeometric.
            var m = s.Requests * events / total;
            var v = total > 1 ? s.Requests * s.StableRequests * events * (total - events) / (total * total * (total - 1)) : 0;
            observed += s.Events;
            mean += m;
            variance += v;
            requests += s.Requests;
            expected += s.Requests * s.StableEvents / s.StableRequests;
            if (v > 0)
                residuals.Add((s.Events - m) / Math.Sqrt(v));
        }
        if (requests <= 0)
            return new Result(1, 0, 1);
        // Scatter around the steps' own mean residual (a steady excess, the regression itself, does not widen the test),
        // shrunk towards the prior.
        var centre = residuals.Count > 0 ? residuals.Average() : 0;
        var scatter = residuals.Sum(r => (r - centre) * (r - centre));
        var dispersion = Math.Clamp((PriorSteps * Math.Max(1, priorDispersion) + scatter) / (PriorSteps + Math.Max(0, residuals.Count - 1)), 1, 50);
        if (variance <= 0)
            return new Result(observed > mean ? 0 : 1, expected / requests, dispersion);
        var z = (observed - mean - 0.5) / Math.Sqrt(variance * dispersion);
        return new Result(1 - Normal.CDF(0, 1, z), expected / requests, dispersion);
    }
}
