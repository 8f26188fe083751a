using MathNet.Numerics.Distributions;

namespace ReleaseRadar.Engine.Statistics;

/// <summary>
/// One-sided test for a fall of a per-step mean (log request rates). Traffic drifts: neighbouring minutes resemble each
/// other, so the variance of a mean of n steps is larger than s²/n. The baseline's own lag-1 autocorrelation sets how
/// much larger (the variance of the mean of an AR(1) series), which keeps an ordinary slow dip from looking significant.
/// </summary>
public static class MeanShiftTest
{
    /// <summary>P(a fall at least this large | no change), from the baseline's variance and autocorrelation.</summary>
    public static double DecreasePValue(IReadOnlyList<double> before, IReadOnlyList<double> after)
    {
        if (before.Count < 3 || after.Count == 0)
            return 1.0;
        var meanBefore = before.Average();
        var meanAfter = after.Average();
        var variance = before.Sum(v => (v - meanBefore) * (v - meanBefore)) / (before.Count - 1);
        if (variance <= 0)
            return meanAfter < meanBefore ? 0.0 : 1.0;
        var rho = Math.Clamp(Autocorrelation(before, meanBefore, variance), 0, 0.95);
        var se = Math.Sqrt(variance * (MeanVarianceFactor(before.Count, rho) + MeanVarianceFactor(after.Count, rho)));
        return 1.0 - Normal.CDF(0, 1, (meanBefore - meanAfter) / se);
    }

    /// <summary>Var(mean of n AR(1) values) / σ²: (1/n)·[1 + 2·Σₖ (1 − k/n)·ρᵏ].</summary>
    internal static double MeanVarianceFactor(int n, double rho)
    {
        var sum = 1.0;
        var power = 1.0;
        for (var k = 1; k < n; k++)
        {
            power *= rho;
            if (power < 1e-9)
                break;
            sum += 2 * (1 - k / (double)n) * power;
        }
        return sum / n;
    }

    private static double Autocorrelation(IReadOnlyList<double> values, double mean, double variance)
    {
        double lagged = 0;
        for (var i = 1; i < values.Count; i++)
            lagged += (values[i] - mean) * (values[i - 1] - mean);
        return lagged / (values.Count - 1) / variance;
    }
}
