using MathNet.Numerics;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine;

/// <summary>
/// Judges one metric against its baseline with two tests that must both pass: a statistical one (is the change real?)
/// and a practical one (is it big enough to matter?). With a control population, the release is judged on the change
/// it shows beyond the control's own change over the same period (difference-in-differences).
/// </summary>
public static class MetricJudge
{
    /// <summary>Error-ratio checks (all errors, or 5xx only), weighted by request counts.</summary>
    public static MetricFinding Proportion(
        string check, string group, Func<StepSample, double> errorsOf, AnalysisInput input, Thresholds t, double minRequests, double power = 0.8)
    {
        var (e1, n1) = Totals(input.Current, errorsOf);
        var (e0, n0) = Totals(input.Baseline, errorsOf);
        double? current = n1 > 0 ? e1 / n1 : null;
        double? baseline = n0 > 0 ? e0 / n0 : null;

        if (n1 < minRequests || n0 < minRequests)
        {
            var which = n1 < minRequests ? $"{ReasonText.Count(n1)} requests in the release window" : $"{ReasonText.Count(n0)} requests in the baseline window";
            return NoData(check, group, MetricUnit.Ratio, current, baseline, t,
                $"{ReasonText.DisplayName(check)} not judged: only {which} (minimum {ReasonText.Count(minRequests)})");
        }

        var dispersion = ProportionTest.Dispersion(input.Baseline.Steps.Select(s => (errorsOf(s), s.Requests)));
        double expected;
        double pValue;
        ControlShift? control = null;

        if (input.HasControl && Totals(input.ControlCurrent!, errorsOf) is var (c1, m1) && Totals(input.ControlBaseline!, errorsOf) is var (c0, m0)
            && m1 >= minRequests && m0 >= minRequests)
        {
            var controlRatio = ProportionTest.Smoothed(c1, m1) / ProportionTest.Smoothed(c0, m0);
            expected = Math.Min(1.0, e0 / n0 * controlRatio);
            var controlDispersion = ProportionTest.Dispersion(input.ControlBaseline!.Steps.Select(s => (errorsOf(s), s.Requests)));
            pValue = ProportionTest.DifferenceInDifferencesPValue(e1, n1, e0, n0, c1, m1, c0, m0, dispersion, controlDispersion);
            control = new ControlShift(c1 / m1, c0 / m0, controlRatio);
        }
        else
        {
            expected = e0 / n0;
            pValue = ExactRateIncreasePValue(e1, n1, e0, n0, dispersion);
        }

        var finding = Decide(check, group, MetricUnit.Ratio, Direction.IncreaseIsBad, current!.Value, baseline!.Value, expected, pValue, t, control);
        if (finding.Outcome == FindingOutcome.Regressed) return finding;

        // A detected regression stands however little data there was; "nothing found" only counts with enough power.
        var threshold = Math.Min(0.999, Math.Max(expected * t.MinRatio, expected + t.MinIncrease));
        var required = ProportionTest.RequiredRequests(expected, threshold, t.Alpha, power, dispersion);
        if (n1 >= required) return finding;
        return finding with
        {
            Outcome = FindingOutcome.NoData,
            Severity = 0,
            Message = $"{ReasonText.DisplayName(check)} not judged: {ReasonText.Count(n1)} requests in the release window cannot rule out a rise to " +
                      $"{ReasonText.Value(threshold, MetricUnit.Ratio)} (needs ~{ReasonText.Count(Math.Ceiling(required))} for {ReasonText.Percent(power)} power; " +
                      $"seen {ReasonText.Value(current, MetricUnit.Ratio)} vs {ReasonText.Value(baseline, MetricUnit.Ratio)})",
        };
    }

    /// <summary>Latency quantile checks: Mann-Whitney U over per-step quantiles, practical test on the whole-window quantile.</summary>
    public static MetricFinding Quantile(string check, double q, AnalysisInput input, Thresholds t, int minSteps)
    {
        const string group = "latency";
        var x = WindowStatistics.StepQuantiles(input.Current, q);
        var y = WindowStatistics.StepQuantiles(input.Baseline, q);
        var current = WindowStatistics.Quantile(input.Current, q);
        var baseline = WindowStatistics.Quantile(input.Baseline, q);

        if (x.Count < minSteps || y.Count < minSteps || current is null || baseline is null)
        {
            var detail = x.Count == 0 && y.Count == 0
                ? "no latency histogram data matched the selector"
                : $"{x.Count} release and {y.Count} baseline steps with latency data (minimum {minSteps} each)";
            return NoData(check, group, MetricUnit.Seconds, current, baseline, t, $"{ReasonText.DisplayName(check)} not judged: {detail}");
        }

        if (input.HasControl)
        {
            var cx = WindowStatistics.StepQuantiles(input.ControlCurrent!, q);
            var cy = WindowStatistics.StepQuantiles(input.ControlBaseline!, q);
            var controlCurrent = WindowStatistics.Quantile(input.ControlCurrent!, q);
            var controlBaseline = WindowStatistics.Quantile(input.ControlBaseline!, q);
            var rx = RelativeTo(x, cx);
            var ry = RelativeTo(y, cy);
            if (rx.Count >= minSteps && ry.Count >= minSteps && controlCurrent > 0 && controlBaseline > 0)
            {
                var controlRatio = controlCurrent.Value / controlBaseline.Value;
                var pDid = MannWhitneyU.GreaterPValue(rx, ry);
                return Decide(check, group, MetricUnit.Seconds, Direction.IncreaseIsBad, current.Value, baseline.Value,
                    baseline.Value * controlRatio, pDid, t, new ControlShift(controlCurrent, controlBaseline, controlRatio));
            }
        }

        var p = MannWhitneyU.GreaterPValue(x.Select(v => v.Value).ToList(), y.Select(v => v.Value).ToList());
        return Decide(check, group, MetricUnit.Seconds, Direction.IncreaseIsBad, current.Value, baseline.Value, baseline.Value, p, t, null);
    }

    /// <summary>Scalar per-step series (custom PromQL, throughput): Mann-Whitney U on the steps, practical test on the means.</summary>
    public static MetricFinding Scalar(
        string check, string group, MetricUnit unit, Direction direction,
        IReadOnlyList<ScalarPoint> current, IReadOnlyList<ScalarPoint> baseline,
        IReadOnlyList<ScalarPoint>? controlCurrent, IReadOnlyList<ScalarPoint>? controlBaseline,
        Thresholds t, int minSteps)
    {
        double? meanCurrent = current.Count > 0 ? current.Average(p => p.Value) : null;
        double? meanBaseline = baseline.Count > 0 ? baseline.Average(p => p.Value) : null;
        if (current.Count < minSteps || baseline.Count < minSteps)
            return NoData(check, group, unit, meanCurrent, meanBaseline, t,
                $"{ReasonText.DisplayName(check)} not judged: {current.Count} release and {baseline.Count} baseline steps with data (minimum {minSteps} each)");

        var (worse, better) = direction == Direction.IncreaseIsBad ? (current, baseline) : (baseline, current);
        if (controlCurrent is { Count: > 0 } && controlBaseline is { Count: > 0 })
        {
            var rx = RelativeTo(current, controlCurrent);
            var ry = RelativeTo(baseline, controlBaseline);
            var cMeanNow = controlCurrent.Average(p => p.Value);
            var cMeanBefore = controlBaseline.Average(p => p.Value);
            if (rx.Count >= minSteps && ry.Count >= minSteps && cMeanBefore != 0)
            {
                var controlRatio = cMeanNow / cMeanBefore;
                var pDid = direction == Direction.IncreaseIsBad ? MannWhitneyU.GreaterPValue(rx, ry) : MannWhitneyU.GreaterPValue(ry, rx);
                return Decide(check, group, unit, direction, meanCurrent!.Value, meanBaseline!.Value, meanBaseline.Value * controlRatio, pDid, t,
                    new ControlShift(cMeanNow, cMeanBefore, controlRatio));
            }
        }

        var p = MannWhitneyU.GreaterPValue(worse.Select(v => v.Value).ToList(), better.Select(v => v.Value).ToList());
        return Decide(check, group, unit, direction, meanCurrent!.Value, meanBaseline!.Value, meanBaseline.Value, p, t, null);
    }

    /// <summary>
    /// Exact conditional test for comparing two rates: given all errors E seen in both windows, under "no change" the
    /// release's share of them is Binomial(E, n1/(n1+n0)). Exact at the handful-of-errors counts where a z-test lies.
    /// Over-dispersion scales the counts down (quasi-likelihood), so a noisy baseline needs a bigger change.
    /// </summary>
    internal static double ExactRateIncreasePValue(double e1, double n1, double e0, double n0, double dispersion)
    {
        var phi = Math.Max(1.0, dispersion);
        var k = e1 / phi;
        var rest = e0 / phi;
        if (k <= 0) return 1.0;
        var share = n1 / (n1 + n0);
        // P(X >= k) for X ~ Binomial(k + rest, share) is I_share(k, rest + 1); the regularized beta takes real counts.
        return Math.Clamp(SpecialFunctions.BetaRegularized(k, rest + 1, share), 0.0, 1.0);
    }

    /// <summary>Each point divided by the control's point at the same time; points without a control partner are dropped.</summary>
    internal static List<double> RelativeTo(IReadOnlyList<ScalarPoint> series, IReadOnlyList<ScalarPoint> control)
    {
        var byTime = new Dictionary<DateTimeOffset, double>();
        foreach (var c in control) byTime[c.Time] = c.Value;
        var result = new List<double>(series.Count);
        foreach (var p in series)
            if (byTime.TryGetValue(p.Time, out var c) && c > 0 && double.IsFinite(p.Value / c))
                result.Add(p.Value / c);
        return result;
    }

    private static (double Errors, double Requests) Totals(TrafficWindow w, Func<StepSample, double> errorsOf) =>
        (w.Steps.Sum(errorsOf), w.Steps.Sum(s => s.Requests));

    private static MetricFinding NoData(string check, string group, MetricUnit unit, double? current, double? baseline, Thresholds t, string message) =>
        new(check, group, unit, FindingOutcome.NoData, current, baseline, baseline, null, null, null, false, false, t.Critical, 0, null, message);

    private static MetricFinding Decide(
        string check, string group, MetricUnit unit, Direction direction,
        double current, double baseline, double expected, double pValue, Thresholds t, ControlShift? control)
    {
        var (ratio, delta) = direction == Direction.IncreaseIsBad
            ? (RatioOf(current, expected), current - expected)
            : (RatioOf(expected, current), expected - current);
        var statistical = pValue < t.Alpha;
        var practical = ratio >= t.MinRatio && delta >= t.MinIncrease;
        var outcome = statistical && practical ? FindingOutcome.Regressed
            : statistical ^ practical && ratio > 1 ? FindingOutcome.Suspicious
            : FindingOutcome.Unchanged;
        var severity = Severity(outcome, ratio, delta, t);
        var finding = new MetricFinding(check, group, unit, outcome, current, baseline, expected, ratio, delta, pValue,
            statistical, practical, t.Critical, severity, control, "");
        return finding with { Message = Describe(finding, t) };
    }

    private static double RatioOf(double a, double b) => b > 0 ? a / b : a > 0 ? double.PositiveInfinity : 1.0;

    /// <summary>
    /// A confirmed regression scores 0.85 at the practical threshold and 1.0 at its square (2× → 4×), so one confirmed
    /// regression of any built-in component clears the default risky score alone. Unconfirmed movement scores at most 0.2,
    /// so suspicion everywhere can never add up to RIESGOSO.
    /// </summary>
    private static double Severity(FindingOutcome outcome, double ratio, double delta, Thresholds t)
    {
        var logThreshold = Math.Log(Math.Max(t.MinRatio, 1.0001));
        if (outcome == FindingOutcome.Regressed)
            return 0.85 + 0.15 * Math.Clamp(Math.Log(ratio / t.MinRatio) / logThreshold, 0, 1);
        if (ratio <= 1 || delta <= 0) return 0;
        var ratioProgress = Math.Log(ratio) / logThreshold;
        var deltaProgress = t.MinIncrease > 0 ? delta / t.MinIncrease : 1;
        return 0.2 * Math.Clamp(Math.Min(ratioProgress, deltaProgress), 0, 1);
    }

    private static string Describe(MetricFinding f, Thresholds t)
    {
        var name = ReasonText.DisplayName(f.Check);
        var values = $"{ReasonText.Value(f.Baseline, f.Unit)} → {ReasonText.Value(f.Current, f.Unit)}";
        var change = ReasonText.Change(f.Current, f.Baseline);
        var controlNote = f.Control is { } c
            ? $"; control {ReasonText.Change(c.Current, c.Baseline)} ({ReasonText.Value(c.Baseline, f.Unit)} → {ReasonText.Value(c.Current, f.Unit)})"
            : "";
        var p = ReasonText.PValue(f.PValue);
        return f.Outcome switch
        {
            FindingOutcome.Regressed when f.Control is not null =>
                $"{name} {change} ({values}, {p}) vs baseline, beyond the control's change{controlNote}",
            FindingOutcome.Regressed => $"{name} {change} ({values}, {p}) vs baseline",
            FindingOutcome.Suspicious when f.StatisticallySignificant =>
                $"{name} {change} ({values}, {p}): statistically significant but below the practical threshold ({ReasonText.Threshold(t, f.Unit)}){controlNote}",
            FindingOutcome.Suspicious =>
                $"{name} {change} ({values}) but not statistically significant ({p}, needs p<{t.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}){controlNote}",
            _ when f.Control is { Ratio: > 1.1 } && f.Current > f.Baseline && f.Ratio < t.MinRatio =>
                $"{name} {change} ({values}) but the control rose too{controlNote}: not attributed to the release ({p})",
            _ => $"{name} {change} ({values}, {p}){controlNote}",
        };
    }
}
