using ReleaseRadar.Engine.Baselines;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine.Judges;

/// <summary>
/// Error-ratio checks (all errors, or 5xx only): the exact conditional binomial test on the counts, weighted by requests,
/// with the baseline's over-dispersion. With a control population, the release is judged on the change it shows beyond
/// the control's own change over the same period (difference-in-differences), by whichever of the proportional and the
/// additive models blames it least: a shared incident may multiply everyone's errors (more load) or add the same share
/// (a failing dependency), and the release is never blamed only because its baseline differed from the control's.
/// </summary>
public static class ProportionJudge
{
    public static MetricFinding Judge(
        string check,
        string group,
        Func<StepSample, double> errorsOf,
        AnalysisInput input,
        Thresholds thresholds,
        AnalysisPolicy policy,
        FindingScope scope = FindingScope.Window
    )
    {
        var (e1, n1) = Totals(input.Current, errorsOf);
        var (e0, n0) = Totals(input.Baseline, errorsOf);
        double? current = n1 > 0 ? e1 / n1 : null;
        double? baseline = n0 > 0 ? e0 / n0 : null;
        var minRequests = policy.MinRequests;

        // The recent window is short by design; only the whole window must reach the request floor.
        if (n0 < minRequests || n1 <= 0 || scope == FindingScope.Window && n1 < minRequests)
        {
            var which =
                n1 < minRequests
                    ? $"{ReasonText.Count(n1)} requests in the release window"
                    : $"{ReasonText.Count(n0)} requests in the baseline window";
            return FindingRules.NoData(
                check,
                group,
                MetricUnit.Ratio,
                current,
                baseline,
                thresholds,
                $"{ReasonText.DisplayName(check)} not judged: only {which} (minimum {ReasonText.Count(minRequests)})",
                scope
            );
        }

        // The window is judged again at every analysis: its evidence holds at alpha over all those looks.
        var nominal = thresholds.Alpha;
        thresholds = thresholds with
        {
            Alpha = scope == FindingScope.Recent ? policy.PerRecentLook(thresholds.Alpha) : policy.PerLook(thresholds.Alpha),
        };
        var slo = check == CheckNames.ServerErrorRate ? policy.Slo : null;
        // With an objective the practical test is the budget: the release may add at most MaxBurnRateIncrease × the budget.
        var t = slo is null ? thresholds : thresholds with { MinRatio = 1.0, MinIncrease = slo.Budget * slo.MaxBurnRateIncrease };
        var length = Math.Max(1, input.Current.Steps.Length);
        var dispersion = ProportionTest.RunDispersion(input.Baseline.Steps.Select(s => (errorsOf(s), s.Requests)), length);
        var paired = !input.HasControl && input.Mode == BaselineMode.Concurrent;
        double expected;
        double pValue;
        ControlShift? control = null;

        if (
            input.HasControl
            && Totals(input.ControlCurrent!, errorsOf) is var (c1, m1)
            && Totals(input.ControlBaseline!, errorsOf) is var (c0, m0)
            && m1 > 0
            && m0 >= minRequests
            && (scope == FindingScope.Recent || m1 >= minRequests)
        )
        {
            var controlDispersion = ProportionTest.RunDispersion(input.ControlBaseline!.Steps.Select(s => (errorsOf(s), s.Requests)), length);
            var controlRatio = ProportionTest.Smoothed(c1, m1) / ProportionTest.Smoothed(c0, m0);
            expected = Math.Min(1.0, FindingRules.Discounted(e0 / n0, controlRatio, c1 / m1 - c0 / m0));
            pValue = FindingRules.ControlledPValue((e1, n1), (e0, n0), (c1, m1), (c0, m0), dispersion, controlDispersion);
            control = new ControlShift(c1 / m1, c0 / m0, controlRatio);
        }
        else if (paired)
        {
            // A canary and its stable pods over the same window: step by step, so what hits both cancels (see PairedProportionTest).
            var test = PairedProportionTest.IncreasePValue(Strata(input, s => (errorsOf(s), s.Requests)), dispersion);
            (expected, pValue, dispersion) = (Math.Min(1.0, test.Expected), test.PValue, test.Dispersion);
        }
        else
        {
            expected = e0 / n0;
            pValue = FindingRules.ExactRateIncreasePValue(e1, n1, e0, n0, dispersion);
        }

        var note = slo is null ? "" : BudgetNote(slo, current!.Value, expected);
        var baselineSteps = input.Baseline.Steps.Where(s => s.Requests > 0).ToList();
        var errorSums = BaselineVariability.Prefix(baselineSteps.Select(errorsOf));
        var requestSums = BaselineVariability.Prefix(baselineSteps.Select(s => s.Requests));
        var level = e0 / n0;
        var envelope = BaselineVariability.Envelope(
            input.Current.ExpectedSteps,
            input.Current.Step,
            [.. baselineSteps.Select(s => Math.Log((errorsOf(s) + 0.5) / (s.Requests + 1)))],
            [.. baselineSteps.Select(s => level * s.Requests)],
            level,
            (i, n) => (errorSums[i + n] - errorSums[i]) / (requestSums[i + n] - requestSums[i]),
            t.Alpha,
            policy.Analyses,
            cap: 1
        );
        var finding = FindingRules.Decide(
            check,
            group,
            MetricUnit.Ratio,
            Direction.IncreaseIsBad,
            current!.Value,
            baseline!.Value,
            expected,
            pValue,
            t,
            control,
            scope,
            input.Current.End - input.Current.Start,
            note,
            // A run of the baseline's own steps is the before/after yardstick; a same-time comparison has no such runs.
            paired ? null : envelope
        );

        // "Nothing found" only counts with enough power. A baseline without a single error says little about its rate, so
        // the power is computed from half an error's worth of smoothing rather than from zero.
        var powerBase = Math.Max(expected, ProportionTest.Smoothed(e0, n0));
        var threshold = Math.Min(0.999, FindingRules.PracticalLimit(powerBase, t));
        var required = ProportionTest.RequiredRequests(powerBase, threshold, t.Alpha, policy.Power, dispersion);
        // Enough requests for the test's power, or already as many errors as such a window would hold at the threshold.
        finding = FindingRules.WithEvidence(finding, n1 >= required || e1 >= required * threshold, nominal, policy);
        if (finding.Outcome == FindingOutcome.Regressed || finding.Conclusive || scope == FindingScope.Recent)
            return finding;
        return FindingRules.Underpowered(finding, n1, threshold, required, MetricUnit.Ratio, policy);
    }

    /// <summary>The release's and the baseline's steps at the same times, as the paired test's strata.</summary>
    public static List<PairedProportionTest.Stratum> Strata(AnalysisInput input, Func<StepSample, (double Events, double Requests)> of)
    {
        var stable = input.Baseline.Steps.ToDictionary(s => s.Time, of);
        return
        [
            .. input
                .Current.Steps.Where(s => stable.ContainsKey(s.Time))
                .Select(s =>
                {
                    var (e, n) = of(s);
                    var (e0, n0) = stable[s.Time];
                    return new PairedProportionTest.Stratum(e, n, e0, n0);
                }),
        ];
    }

    public static (double Errors, double Requests) Totals(TrafficWindow w, Func<StepSample, double> errorsOf) =>
        (w.Steps.Sum(errorsOf), w.Steps.Sum(s => s.Requests));

    private static string BudgetNote(SloPolicy slo, double current, double expected)
    {
        var objective = (slo.Objective * 100).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        return $"; against the {objective}% objective it burns the error budget at {Times(slo.BurnRate(current))} the sustainable rate "
            + $"(expected {Times(slo.BurnRate(expected))}; at most +{Times(slo.MaxBurnRateIncrease)} allowed)";
    }

    private static string Times(double v) => v.ToString(v >= 10 ? "0" : "0.0", System.Globalization.CultureInfo.InvariantCulture) + "×";
}
