using MathNet.Numerics.Distributions;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine.Baselines;

/// <summary>
/// How far a short window of this service wanders on its own. The first analyses judge a few minutes of traffic, and the
/// recent window three steps; a bursty service's error ratio wanders by a factor from minute to minute (it doubles and
/// halves with its load), which the counting tests, built for noise that adds, do not expect. So a short window is also
/// held against a prediction bound for runs of its length in the service's own screened baseline, on the log scale: the
/// baseline's level times e^(z·σ_L), with σ_L the spread of a run's mean from the steps' wander beyond counting noise
/// (counting noise is the tests' own business, so a quiet service, whose steps count a few errors, gets no allowance at
/// all), neighbouring steps taken to
/// share half their noise, and z at alpha over every look the window gets (analyses × four metrics). It is used only where
/// the baseline holds at least eight runs of the window's length, and is capped at 100 % for a ratio: a long window is
/// judged on its own, and no sustained change is ever "usual".
/// </summary>
public static class BaselineVariability
{
    /// <summary>The baseline must hold this many non-overlapping runs of the window's length for its runs to say anything.</summary>
    public const int MinRuns = 8;

    /// <summary>The autocorrelation of neighbouring steps assumed, as the baseline screen does.</summary>
    private const double Rho = 0.5;

    /// <param name="length">The window's length in steps.</param>
    /// <param name="logs">The log of each screened baseline step's value (smoothed).</param>
    /// <param name="counts">What each step counts: errors expected, or requests expected above the quantile. Below five a step's
    /// log is mostly counting noise, which the tests already judge exactly, and its wander beyond it cannot be told apart.</param>
    /// <param name="level">The screened baseline's value: what the bound multiplies.</param>
    /// <param name="runValue">The metric over the run of baseline steps starting at an index, of a length (for the sentence).</param>
    /// <param name="cap">The largest value the metric can take (1 for a ratio).</param>
    public static RunEnvelope? Envelope(
        int length,
        TimeSpan step,
        IReadOnlyList<double> logs,
        IReadOnlyList<double> counts,
        double level,
        Func<int, int, double?> runValue,
        double alpha,
        int analyses,
        double cap = double.PositiveInfinity
    )
    {
        length = Math.Max(1, length);
        if (logs.Count < MinRuns * length || level <= 0 || counts.Count == 0 || Median([.. counts.Order()]) < 5)
            return null;
        // A count of μ spreads its log by about 1/√μ.
        var counting = counts.Average(c => 1 / (c + 0.5));
        var differences = Enumerable.Range(1, logs.Count - 1).Select(i => Math.Abs(logs[i] - logs[i - 1])).Order().ToList();
        var spread = 1.4826 * Median(differences);
        var excess = spread * spread - counting;
        if (excess <= 0)
            return null;
        var runSpread = Math.Sqrt(excess * MeanShiftTest.MeanVarianceFactor(length, Rho));
        var z = Normal.InvCDF(0, 1, 1 - alpha / (Math.Max(1, analyses) * AnalysisPolicy.JudgedMetrics));
        var runs = Enumerable
            .Range(0, logs.Count - length + 1)
            .Select(i => runValue(i, length))
            .OfType<double>()
            .Where(double.IsFinite)
            .Order()
            .ToList();
        if (runs.Count == 0)
            return null;
        return new RunEnvelope(
            length,
            step * length,
            runs.Count,
            Math.Min(cap, Median(runs)),
            Math.Min(cap, runs[^1]),
            Math.Min(cap, level * Math.Exp(z * runSpread))
        );
    }

    /// <summary>Running sums, so the metric over any run of steps costs two subtractions.</summary>
    public static double[] Prefix(IEnumerable<double> values)
    {
        var sums = new List<double> { 0 };
        foreach (var v in values)
            sums.Add(sums[^1] + v);
        return [.. sums];
    }

    private static double Median(List<double> sorted) =>
        sorted.Count == 0 ? 0
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
        : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
