using ReleaseRadar.Engine.Baselines;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine.Judges;

/// <summary>
/// Latency quantile checks. The statistical test counts requests slower than the baseline's quantile: under "no
/// change" a 1 − q share of the release's requests lies above it, so a slower release shows up as an excess count,
/// tested exactly like an error ratio (with the baseline's over-dispersion). The practical test compares the
/// quantiles themselves, as an engineer reads them on a dashboard.
/// </summary>
public static class QuantileJudge
{
    public static MetricFinding Judge(
        string check,
        double q,
        AnalysisInput input,
        Thresholds t,
        AnalysisPolicy policy,
        FindingScope scope = FindingScope.Window
    )
    {
        const string group = "latency";
        // The window is judged again at every analysis: its evidence holds at alpha over all those looks.
        var nominal = t.Alpha;
        t = t with { Alpha = scope == FindingScope.Recent ? policy.PerRecentLook(t.Alpha) : policy.PerLook(t.Alpha) };
        if (Defects(input) is { } defective)
            return FindingRules.NoData(
                check,
                group,
                MetricUnit.Seconds,
                null,
                null,
                t,
                $"{ReasonText.DisplayName(check)} not judged: {defective}",
                scope
            );
        var currentHistogram = WindowStatistics.Histogram(input.Current);
        var baselineHistogram = WindowStatistics.Histogram(input.Baseline);
        var current = WindowStatistics.Quantile(currentHistogram, q);
        var baseline = WindowStatistics.Quantile(baselineHistogram, q);
        var currentSteps = StepsWithLatency(input.Current);
        var baselineSteps = StepsWithLatency(input.Baseline);

        // A same-time baseline shares the window's ups and downs, so a couple of steps already compare like with like; a
        // baseline from before the deploy needs enough steps to show how much its own quantile wanders.
        var paired = !input.HasControl && input.Mode == BaselineMode.Concurrent;
        var minSteps = paired ? Math.Min(policy.MinSteps, 2) : policy.MinSteps;
        var detail =
            currentSteps == 0 && baselineSteps == 0
                ? "no latency histogram data matched the selector"
                : $"{currentSteps} release and {baselineSteps} baseline steps with latency data (minimum {minSteps} each)";
        if (currentSteps == 0 || baselineSteps < minSteps || current is null || baseline is null || baseline <= 0)
            return FindingRules.NoData(
                check,
                group,
                MetricUnit.Seconds,
                current,
                baseline,
                t,
                $"{ReasonText.DisplayName(check)} not judged: {detail}",
                scope
            );
        // Fewer steps than MinSteps can still show a conclusive regression; they can never show an OK.
        var enoughForOk = scope == FindingScope.Window && currentSteps >= minSteps;

        var (a1, n1) = Exceeding(baseline.Value, currentHistogram!);
        var (a0, n0) = Exceeding(baseline.Value, baselineHistogram!);
        var length = Math.Max(1, currentSteps);
        var dispersion = ExceedanceDispersion(baseline.Value, input.Baseline, length);
        var expected = baseline.Value;
        double pValue;
        ControlShift? control = null;

        var controlCurrent = input.HasControl ? WindowStatistics.Quantile(input.ControlCurrent!, q) : null;
        var controlBaseline = input.HasControl ? WindowStatistics.Quantile(input.ControlBaseline!, q) : null;
        if (controlCurrent > 0 && controlBaseline > 0 && StepsWithLatency(input.ControlBaseline!) >= policy.MinSteps)
        {
            var controlNow = Exceeding(controlBaseline.Value, WindowStatistics.Histogram(input.ControlCurrent!)!);
            var controlBefore = Exceeding(controlBaseline.Value, WindowStatistics.Histogram(input.ControlBaseline!)!);
            var controlDispersion = ExceedanceDispersion(controlBaseline.Value, input.ControlBaseline!, length);
            var controlRatio = controlCurrent.Value / controlBaseline.Value;
            expected = FindingRules.Discounted(baseline.Value, controlRatio, controlCurrent.Value - controlBaseline.Value);
            pValue = FindingRules.ControlledPValue((a1, n1), (a0, n0), controlNow, controlBefore, dispersion, controlDispersion);
            control = new ControlShift(controlCurrent, controlBaseline, controlRatio);
        }
        else if (paired)
        {
            // Step by step, the canary's requests above the stable pods' quantile against theirs: a slowdown of both cancels.
            var test = PairedProportionTest.IncreasePValue(
                ProportionJudge.Strata(input, s => s.Latency is { Count: > 0 } h ? Exceeding(baseline.Value, h) : (0, 0)),
                dispersion
            );
            (pValue, dispersion) = (test.PValue, test.Dispersion);
        }
        else
            pValue = FindingRules.ExactRateIncreasePValue(a1, n1, a0, n0, dispersion);

        var runs = new HistogramRuns([.. input.Baseline.Steps.Select(s => s.Latency)]);
        var stepQuantiles = WindowStatistics.StepQuantiles(input.Baseline, q).Where(p => p.Value > 0).Select(p => Math.Log(p.Value)).ToList();
        var envelope = BaselineVariability.Envelope(
            input.Current.ExpectedSteps,
            input.Current.Step,
            stepQuantiles,
            [.. input.Baseline.Steps.Where(s => s.Latency is { Count: > 0 }).Select(s => s.Latency!.Count * (1 - q))],
            baseline.Value,
            (i, n) => runs.Run(i, n) is { } h ? HistogramQuantile.Quantile(q, h) : null,
            t.Alpha,
            policy.Analyses
        );
        var finding = FindingRules.Decide(
            check,
            group,
            MetricUnit.Seconds,
            Direction.IncreaseIsBad,
            current.Value,
            baseline.Value,
            expected,
            pValue,
            t,
            control,
            scope,
            input.Current.End - input.Current.Start,
            envelope: paired ? null : envelope
        );

        // Power at the practical threshold, if the release were the baseline slowed down uniformly to reach it.
        var ratioAtThreshold = FindingRules.PracticalLimit(expected, t) / expected;
        var shareNow = a0 / n0;
        var shareAtThreshold = HistogramQuantile.CountAbove(baseline.Value / ratioAtThreshold, baselineHistogram!) / n0;
        var required = ProportionTest.RequiredRequests(shareNow, shareAtThreshold, t.Alpha, policy.Power, dispersion);
        finding = FindingRules.WithEvidence(finding, n1 >= required || a1 >= required * shareAtThreshold, nominal, policy);
        if (finding.Outcome == FindingOutcome.Regressed && finding.Conclusive || scope == FindingScope.Recent)
            return finding;
        if (!enoughForOk)
            return FindingRules.NoData(
                check,
                group,
                MetricUnit.Seconds,
                current,
                baseline,
                t,
                $"{ReasonText.DisplayName(check)} not judged: {detail}"
            );
        if (finding.Outcome == FindingOutcome.Regressed || finding.Conclusive)
            return finding;
        return FindingRules.Underpowered(finding, n1, expected * ratioAtThreshold, required, MetricUnit.Seconds, policy);
    }

    /// <summary>Requests slower than <paramref name="value"/>, and all requests, in a histogram.</summary>
    public static (double Above, double Total) Exceeding(double value, LatencyHistogram histogram) =>
        (HistogramQuantile.CountAbove(value, histogram), histogram.Count);

    public static int StepsWithLatency(TrafficWindow w) => w.Steps.Count(s => s.Latency is { Count: > 0 });

    private static double ExceedanceDispersion(double value, TrafficWindow window, int length) =>
        ProportionTest.RunDispersion(window.Steps.Where(s => s.Latency is { Count: > 0 }).Select(s => Exceeding(value, s.Latency!)), length);

    /// <summary>
    /// What is wrong with the histogram, where the adapter found buckets that are not one, in words that name the fault:
    /// latency is never judged on them, and "no data matched" would send the user to the wrong fix.
    /// </summary>
    private static string? Defects(AnalysisInput input)
    {
        var all = new[] { input.Current, input.Baseline }.SelectMany(w => w.HistogramDefectsOrEmpty).OrderBy(d => d.Time).ToList();
        if (all.Count == 0)
            return null;
        var first = all[0];
        var what = first.Kind switch
        {
            HistogramDefectKind.BoundNotANumber => $"a bucket's le label is \"{first.Bound}\", not a number",
            HistogramDefectKind.NoInfiniteBucket =>
                $"the buckets have no le=\"+Inf\" (the highest is le=\"{first.Bound}\"), so no step's total is known",
            _ => $"the buckets are not cumulative (le=\"{first.Bound}\" holds {ReasonText.Count(first.Count)} requests, more than the next "
                + $"bucket's {ReasonText.Count(first.HigherCount)})",
        };
        var more = all.Count > 1 ? $", and {all.Count - 1} more {(all.Count == 2 ? "step" : "steps")} like it" : "";
        return $"the latency histogram is not a valid Prometheus histogram: {what} at {first.Time:HH:mm:ss}Z{more}; check the exporter";
    }
}
