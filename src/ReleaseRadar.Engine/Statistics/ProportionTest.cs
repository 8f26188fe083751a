using MathNet.Numerics.Distributions;

namespace ReleaseRadar.Engine.Statistics;

/// <summary>
/// Tests on error ratios, weighted by request counts. Real traffic is burstier than a binomial process,
/// so each test accepts an over-dispersion factor (>= 1) measured on the baseline, which widens the variance
/// instead of letting millions of requests turn a 0.01 pp wobble into "significant".
/// </summary>
public static class ProportionTest
{
    /// <summary>
    /// Difference-in-differences on log odds: did the release's error odds grow more than the control's over the same change of time?
    /// Woolf variance with a 0.5 continuity correction, so zero-error cells do not explode.
    /// </summary>
    public static double DifferenceInDifferencesPValue(
        double errorsNow,
        double nNow,
        double errorsBefore,
        double nBefore,
        double controlErrorsNow,
        double controlNNow,
        double controlErrorsBefore,
        double controlNBefore,
        double dispersion = 1.0,
        double controlDispersion = 1.0
    )
    {
        if (nNow <= 0 || nBefore <= 0 || controlNNow <= 0 || controlNBefore <= 0)
            return 1.0;
        var release = LogOdds(errorsNow, nNow) - LogOdds(errorsBefore, nBefore);
        var control = LogOdds(controlErrorsNow, controlNNow) - LogOdds(controlErrorsBefore, controlNBefore);
        var variance =
            Math.Max(1.0, dispersion) * (WoolfTerm(errorsNow, nNow) + WoolfTerm(errorsBefore, nBefore))
            + Math.Max(1.0, controlDispersion) * (WoolfTerm(controlErrorsNow, controlNNow) + WoolfTerm(controlErrorsBefore, controlNBefore));
        return 1.0 - Normal.CDF(0, 1, (release - control) / Math.Sqrt(variance));
    }

    /// <summary>
    /// Difference-in-differences on the ratios themselves: did the release's error ratio rise by more percentage points than
    /// the control's? A shared incident adds errors to every service (a failing dependency fails the same share of calls);
    /// it does not multiply each service's own ratio, so this additive model is the right one for it, where the log-odds
    /// model would blame a release whose baseline happened to be lower than the control's.
    /// </summary>
    public static double AdditiveDifferenceInDifferencesPValue(
        double errorsNow,
        double nNow,
        double errorsBefore,
        double nBefore,
        double controlErrorsNow,
        double controlNNow,
        double controlErrorsBefore,
        double controlNBefore,
        double dispersion = 1.0,
        double controlDispersion = 1.0
    )
    {
        if (nNow <= 0 || nBefore <= 0 || controlNNow <= 0 || controlNBefore <= 0)
            return 1.0;
        var release = errorsNow / nNow - errorsBefore / nBefore;
        var control = controlErrorsNow / controlNNow - controlErrorsBefore / controlNBefore;
        var variance =
            Math.Max(1.0, dispersion) * (BinomialVariance(errorsNow, nNow) + BinomialVariance(errorsBefore, nBefore))
            + Math.Max(1.0, controlDispersion)
                * (BinomialVariance(controlErrorsNow, controlNNow) + BinomialVariance(controlErrorsBefore, controlNBefore));
        return 1.0 - Normal.CDF(0, 1, (release - control) / Math.Sqrt(variance));
    }

    /// <summary>
    /// Requests the release window needs for a one-sided test at <paramref name="alpha"/> to detect a rise from
    /// <paramref name="p0"/> to <paramref name="p1"/> with the given power (normal approximation, baseline treated as known),
    /// inflated by the over-dispersion factor.
    /// </summary>
    public static double RequiredRequests(double p0, double p1, double alpha, double power, double dispersion = 1.0)
    {
        if (p1 <= p0 || p1 >= 1)
            return 0;
        var zAlpha = Normal.InvCDF(0, 1, 1 - alpha);
        var zBeta = Normal.InvCDF(0, 1, power);
        var numerator = zAlpha * Math.Sqrt(p0 * (1 - p0)) + zBeta * Math.Sqrt(p1 * (1 - p1));
        return Math.Max(1.0, dispersion) * numerator * numerator / ((p1 - p0) * (p1 - p0));
    }

    /// <summary>Smoothed proportion, used where a ratio of rates must not divide by zero.</summary>
    public static double Smoothed(double errors, double n) => (errors + 0.5) / (n + 1.0);

    /// <summary>
    /// Pearson dispersion of per-step error counts around the window's overall ratio: 1 for a binomial process,
    /// larger when error ratios wander from step to step. Capped so one pathological step cannot silence the test.
    /// </summary>
    public static double Dispersion(IEnumerable<(double Errors, double Requests)> steps, double cap = 50.0) => RunDispersion(steps, 1, cap);

    /// <summary>
    /// The dispersion of a window of <paramref name="length"/> steps' total, not of one step's: where error ratios wander
    /// for minutes (neighbouring steps' excesses correlate), a few minutes' total wanders more than steps drawn apart would.
    /// The excess over binomial noise, φ − 1, is scaled by 1 + 2 Σ (1 − k/L) ρᵏ, with ρ the lag-1 autocorrelation of the
    /// per-step residuals (clipped at three spreads, so one odd step cannot set it). A bursty service's first minutes are
    /// then judged by how much its own few-minute stretches vary.
    /// </summary>
    public static double RunDispersion(IEnumerable<(double Errors, double Requests)> steps, int length, double cap = 50.0)
    {
        var list = steps.Where(s => s.Requests > 0).ToList();
        if (list.Count < 3)
            return 1.0;
        var p = list.Sum(s => s.Errors) / list.Sum(s => s.Requests);
        if (p <= 0 || p >= 1)
            return 1.0;
        var residuals = list.Select(s => (s.Errors - s.Requests * p) / Math.Sqrt(s.Requests * p * (1 - p))).ToList();
        var phi = Math.Clamp(residuals.Sum(r => r * r) / (list.Count - 1), 1.0, cap);
        if (length <= 1 || phi <= 1)
            return phi;
        return Math.Min(cap, 1 + (phi - 1) * length * MeanShiftTest.MeanVarianceFactor(length, LagOne(residuals)));
    }

    private static double LagOne(List<double> residuals)
    {
        var scale = Math.Sqrt(residuals.Sum(r => r * r) / residuals.Count);
        var clipped = residuals.Select(r => Math.Clamp(r, -3 * scale, 3 * scale)).ToList();
        var mean = clipped.Average();
        var variance = clipped.Sum(c => (c - mean) * (c - mean));
        if (variance <= 0)
            return 0;
        double lagged = 0;
        for (var i = 1; i < clipped.Count; i++)
            lagged += (clipped[i] - mean) * (clipped[i - 1] - mean);
        return Math.Clamp(lagged / variance, 0, 0.9);
    }

    private static double LogOdds(double errors, double n) => Math.Log((errors + 0.5) / (n - errors + 0.5));

    private static double WoolfTerm(double errors, double n) => 1 / (errors + 0.5) + 1 / (n - errors + 0.5);

    // Smoothed like the log-odds cells, so a window without a single error still has a variance.
    private static double BinomialVariance(double errors, double n)
    {
        var p = (errors + 0.5) / (n + 1.0);
        return p * (1 - p) / n;
    }
}
