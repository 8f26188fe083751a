using System.Collections.Immutable;
using MathNet.Numerics.Distributions;
using ReleaseRadar.Engine.Judges;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine.Baselines;

/// <summary>
/// Finds the stretches of a baseline that are not the service's usual self, so that no blip, incident or late deploy time
/// can hide a regression behind an inflated baseline. A stretch is a run of steps whose level differs from the rest of
/// the baseline beyond both tests, like a regression: statistically, on the logarithm of each step's value (its error
/// ratio, or its latency quantile), against how much runs of the baseline's own steps vary (their spread, estimated
/// robustly from neighbouring steps), at 1 % over every run the baseline holds; and practically, at the metric's own threshold (2× and +0.1
/// pp for error ratios). Bursty services wander by a factor, not by a number of errors, so the logarithm is the scale on
/// which their ordinary noise is ordinary; a 10 % blip on a 0.2 % service is fifty times its level on any scale. A stretch
/// must also stand three single-step spreads from the rest, so no ordinary wander of a bursty service is ever taken out.
/// Up to four stretches are taken out one by one, each against the rest that remains.
/// </summary>
public static class BaselineScreen
{
    private const int MaxStretches = 4;

    // Runs are ranked by their test statistic; the practical test (which may need histograms) is applied to the best few.
    private const int Candidates = 16;

    /// <summary>How many single-step spreads a stretch's level must be from the rest's, on the log scale.</summary>
    private const double StandOut = 3;

    /// <param name="times">The end times of the baseline's steps with data, in order.</param>
    /// <param name="logs">The logarithm of each step's value (smoothed, so a step without errors is finite).</param>
    /// <param name="counting">The variance counting noise alone gives one step's log (1/μ for a count of μ): it is independent
    /// from step to step, unlike the service's own wander, and the two are told apart.</param>
    /// <param name="levelOf">The metric over a set of those steps (by index): an error ratio, or a pooled latency quantile.</param>
    /// <param name="step">The step length: a step's sample at time t covers (t − step, t].</param>
    /// <param name="baselineEnd">The end of the baseline window (the declared deploy, on the step grid).</param>
    /// <param name="tolerance">How far before the declared deploy a change still counts as the release's own.</param>
    public static ScreenedBaseline Screen(
        IReadOnlyList<DateTimeOffset> times,
        IReadOnlyList<double> logs,
        double counting,
        Func<IReadOnlyList<int>, double?> levelOf,
        Thresholds t,
        TimeSpan step,
        DateTimeOffset baselineEnd,
        TimeSpan tolerance
    )
    {
        var count = logs.Count;
        if (count < 4)
            return ScreenedBaseline.Clean;
        var noise = Noise(logs, counting);
        var runs = count * (count + 1) / 2.0;
        var critical = Normal.InvCDF(0, 1, 1 - 0.01 / (2 * runs));
        var rest = Enumerable.Range(0, count).ToList();
        var found = new List<(List<int> Steps, double Level, double Others, bool Lower)>();
        // A short good moment says nothing about the rest; only a stretch this long can show that the rest is the incident.
        var shortestLower = Math.Max(4, count / 10);
        while (found.Count < MaxStretches && rest.Count >= 4)
        {
            var stretch = BestStretch(logs, rest, levelOf, t, noise, critical, shortestLower);
            if (stretch is null)
                break;
            found.Add(stretch.Value);
            rest = [.. rest.Except(stretch.Value.Steps)];
        }
        if (found.Count == 0)
            return ScreenedBaseline.Clean;

        var stretches = found
            .Select(f =>
            {
                var start = times[f.Steps[0]] - step;
                var end = times[f.Steps[^1]];
                var kind =
                    f.Lower ? StretchKind.Lower
                    : f.Steps[^1] != count - 1 ? StretchKind.Excursion
                    : start >= baselineEnd - tolerance ? StretchKind.EarlyOnset
                    : StretchKind.Ongoing;
                return new BaselineStretch(start, end, f.Level, f.Others, kind);
            })
            .OrderBy(s => s.Start)
            .ToImmutableArray();

        // With a stretch lower than the rest, the rest is the incident: the reference is the best stretch, and the worst
        // regime is everything else. Otherwise the reference is what remains once the stretches are out, and the worst
        // regime is the stretches.
        var lower = found.Where(f => f.Lower).SelectMany(f => f.Steps).ToHashSet();
        var higher = found.Where(f => !f.Lower).SelectMany(f => f.Steps).ToHashSet();
        var kept = lower.Count > 0 ? lower : rest.ToHashSet();
        var worst = lower.Count > 0 ? Enumerable.Range(0, count).Where(i => !lower.Contains(i)).ToHashSet() : higher;
        ImmutableHashSet<DateTimeOffset> Outside(HashSet<int> set) =>
            Enumerable.Range(0, count).Where(i => !set.Contains(i)).Select(i => times[i]).ToImmutableHashSet();
        var trusted = lower.Count == 0 && stretches.All(s => s.Kind != StretchKind.Ongoing) && kept.Count * 2 >= count;
        return new ScreenedBaseline(stretches, Outside(kept), Outside(worst), trusted);
    }

    /// <summary>
    /// The run of consecutive remaining steps whose mean log stands furthest from the rest's, if it passes both tests. Ties
    /// go to the shorter run: a baseline that is mostly incident is read as a short normal stretch in a long incident.
    /// </summary>
    private static (List<int> Steps, double Level, double Others, bool Lower)? BestStretch(
        IReadOnlyList<double> logs,
        List<int> rest,
        Func<IReadOnlyList<int>, double?> levelOf,
        Thresholds t,
        (double Wander, double Counting) noise,
        double critical,
        int shortestLower
    )
    {
        var n = rest.Count;
        // What remains outside a stretch is the reference it is measured against: never a handful of steps.
        var shortestRest = shortestLower;
        var sums = new double[n + 1];
        for (var i = 0; i < n; i++)
            sums[i + 1] = sums[i] + logs[rest[i]];
        var factors = new double[n + 1];
        for (var length = 1; length <= n; length++)
            factors[length] = MeanShiftTest.MeanVarianceFactor(length, Rho);
        var ranked = new List<(double Z, int From, int To)>();
        for (var a = 0; a < n; a++)
        for (var b = a + 1; b < n + (a > 0 ? 1 : 0); b++)
        {
            // A run may not jump over a stretch already taken out: it must be consecutive in time.
            if (b - 1 > a && rest[b - 1] != rest[b - 2] + 1)
                break;
            var inside = b - a;
            var outside = n - inside;
            if (outside < shortestRest)
                continue;
            var difference = (sums[b] - sums[a]) / inside - (sums[n] - sums[b] + sums[a]) / outside;
            var variance = noise.Wander * (factors[inside] + factors[outside]) + noise.Counting * (1.0 / inside + 1.0 / outside);
            var z = Math.Abs(difference) / Math.Sqrt(variance);
            if (z > critical)
                ranked.Add((z, a, b));
        }
        foreach (var (_, from, to) in ranked.OrderByDescending(r => r.Z).ThenBy(r => r.To - r.From).Take(Candidates))
        {
            // A stretch stands out from single steps too: a bursty service's runs wander by a factor its steps share, and
            // a long wander can pass the run test while being no further off than an ordinary step.
            var shift = (sums[to] - sums[from]) / (to - from) - (sums[n] - sums[to] + sums[from]) / (n - (to - from));
            if (Math.Abs(shift) < StandOut * Math.Sqrt(noise.Wander + noise.Counting))
                continue;
            var inside = rest.GetRange(from, to - from);
            var outside = rest.Where((_, i) => i < from || i >= to).ToList();
            if (levelOf(inside) is not { } level || levelOf(outside) is not { } other)
                continue;
            if (FindingRules.PracticallyAbove(level, other, t))
                return (inside, level, other, false);
            if (inside.Count >= shortestLower && FindingRules.PracticallyAbove(other, level, t))
                return (inside, level, other, true);
        }
        return null;
    }

    /// <summary>
    /// How much one step varies on its own, from the differences between neighbouring steps: 1.4826 × their median
    /// absolute value, so a level shift (which moves one difference) or a blip (two) cannot inflate it and hide itself, as
    /// a plain standard deviation would. A difference holds two steps' counting noise, independent from step to step, and
    /// the change of the service's own wander, which neighbouring steps are taken to share by half (ρ = 0.5: at minute
    /// steps, real error ratios and latencies wander with their load): var(d) = 2·counting + 2(1 − ρ)·wander. Estimating
    /// ρ from sixty steps is too noisy to trust either way; assuming it only asks a stretch to be clearer.
    /// </summary>
    private static (double Wander, double Counting) Noise(IReadOnlyList<double> logs, double counting)
    {
        var differences = Enumerable.Range(1, logs.Count - 1).Select(i => Math.Abs(logs[i] - logs[i - 1])).Order().ToList();
        var spread = 1.4826 * Median(differences);
        return (Math.Max(0, spread * spread - 2 * counting) / (2 * (1 - Rho)), counting);
    }

    /// <summary>The autocorrelation of neighbouring steps the screen assumes (see <see cref="Spread"/>).</summary>
    private const double Rho = 0.5;

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
