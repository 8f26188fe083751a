using System.Globalization;
using MathNet.Numerics;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine;

/// <summary>
/// Judges one metric against its baseline with two tests that must both pass: a statistical one (is the change real?)
/// and a practical one (is it big enough to matter?). With a control population, the release is judged on the change
/// it shows beyond the control's own change over the same period (difference-in-differences). A shared change can act
/// on a service proportionally (more load, slower everything) or additively (a failing dependency fails the same share
/// of everyone's calls); the release is judged against whichever of the two explains more of its own change, so it is
/// never blamed for an incident only because its baseline differed from the control's. A control can only discount a
/// change, never accuse: a release that held steady while its control happened to improve has not regressed.
/// </summary>
public static class MetricJudge
{
    /// <summary>Error-ratio checks (all errors, or 5xx only): exact test on the counts, weighted by requests.</summary>
    public static MetricFinding Proportion(
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
            return NoData(
                check,
                group,
                MetricUnit.Ratio,
                current,
                baseline,
                thresholds,
                $"{ReasonText.DisplayName(check)} not judged: only {which} (minimum {ReasonText.Count(minRequests)})"
            ) with
            {
                Scope = scope,
            };
        }

        var slo = check == CheckNames.ServerErrorRate ? policy.Slo : null;
        // With an objective the practical test is the budget: the release may add at most MaxBurnRateIncrease × the budget.
        var t = slo is null ? thresholds : thresholds with { MinRatio = 1.0, MinIncrease = slo.Budget * slo.MaxBurnRateIncrease };
        var dispersion = ProportionTest.Dispersion(input.Baseline.Steps.Select(s => (errorsOf(s), s.Requests)));
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
            var controlDispersion = ProportionTest.Dispersion(input.ControlBaseline!.Steps.Select(s => (errorsOf(s), s.Requests)));
            var controlRatio = ProportionTest.Smoothed(c1, m1) / ProportionTest.Smoothed(c0, m0);
            expected = Math.Min(1.0, Discounted(e0 / n0, controlRatio, c1 / m1 - c0 / m0));
            pValue = ControlledPValue(e1, n1, e0, n0, c1, m1, c0, m0, dispersion, controlDispersion);
            control = new ControlShift(c1 / m1, c0 / m0, controlRatio);
        }
        else
        {
            expected = e0 / n0;
            pValue = ExactRateIncreasePValue(e1, n1, e0, n0, dispersion);
        }

        var note = slo is null ? "" : BudgetNote(slo, current!.Value, expected);
        var baselineSteps = input.Baseline.Steps;
        var errorSums = Prefix(baselineSteps.Select(errorsOf));
        var requestSums = Prefix(baselineSteps.Select(s => s.Requests));
        var envelope =
            Envelope(
                input,
                (i, n) => (errorSums[i + n] - errorSums[i] + 0.5) / (requestSums[i + n] - requestSums[i] + 1),
                RatioSpread([.. baselineSteps.Select(s => (errorsOf(s), s.Requests))]),
                t.Alpha,
                policy.Analyses
            ) * (expected / Math.Max(e0 / n0, 1e-12));
        var finding = Decide(
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
            Span(input),
            note,
            envelope
        );

        // "Nothing found" only counts with enough power. A baseline without a single error says little about its rate, so
        // the power is computed from half an error's worth of smoothing rather than from zero.
        var powerBase = Math.Max(expected, ProportionTest.Smoothed(e0, n0));
        var threshold = Math.Min(0.999, PracticalLimit(powerBase, t));
        var required = ProportionTest.RequiredRequests(powerBase, threshold, t.Alpha, policy.Power, dispersion);
        // Enough requests for the test's power, or already as many errors as such a window would hold at the threshold.
        finding = WithEvidence(finding, n1 >= required || e1 >= required * threshold, t.Alpha, policy);
        if (finding.Outcome == FindingOutcome.Regressed || finding.Conclusive || scope == FindingScope.Recent)
            return finding;
        return Underpowered(finding, check, n1, threshold, required, current, baseline, MetricUnit.Ratio, policy);
    }

    /// <summary>An OK the data cannot support: too few requests to rule out a rise to the threshold, so not judged.</summary>
    private static MetricFinding Underpowered(
        MetricFinding finding,
        string check,
        double n1,
        double threshold,
        double required,
        double? current,
        double? baseline,
        MetricUnit unit,
        AnalysisPolicy policy
    ) =>
        finding with
        {
            Outcome = FindingOutcome.NoData,
            Severity = 0,
            Message =
                $"{ReasonText.DisplayName(check)} not judged: {ReasonText.Count(n1)} requests in the release window cannot rule out a rise to "
                + $"{ReasonText.Value(threshold, unit)} (needs ~{ReasonText.Count(Math.Ceiling(required))} for "
                + $"{ReasonText.Percent(policy.Power)} power; "
                + $"seen {ReasonText.Value(current, unit)} vs {ReasonText.Value(baseline, unit)})",
        };

    /// <summary>
    /// Latency quantile checks. The statistical test counts requests slower than the baseline's quantile: under "no
    /// change" a 1 − q share of the release's requests lies above it, so a slower release shows up as an excess count,
    /// tested exactly like an error ratio (with the baseline's over-dispersion). The practical test compares the
    /// quantiles themselves, as an engineer reads them on a dashboard.
    /// </summary>
    public static MetricFinding Quantile(
        string check,
        double q,
        AnalysisInput input,
        Thresholds t,
        AnalysisPolicy policy,
        FindingScope scope = FindingScope.Window
    )
    {
        const string group = "latency";
        var currentHistogram = WindowStatistics.Histogram(input.Current);
        var baselineHistogram = WindowStatistics.Histogram(input.Baseline);
        var current = WindowStatistics.Quantile(currentHistogram, q);
        var baseline = WindowStatistics.Quantile(baselineHistogram, q);
        var currentSteps = StepsWithLatency(input.Current);
        var baselineSteps = StepsWithLatency(input.Baseline);

        var detail =
            currentSteps == 0 && baselineSteps == 0
                ? "no latency histogram data matched the selector"
                : $"{currentSteps} release and {baselineSteps} baseline steps with latency data (minimum {policy.MinSteps} each)";
        if (currentSteps == 0 || baselineSteps < policy.MinSteps || current is null || baseline is null || baseline <= 0)
            return NoData(check, group, MetricUnit.Seconds, current, baseline, t, $"{ReasonText.DisplayName(check)} not judged: {detail}") with
            {
                Scope = scope,
            };
        // Fewer steps than MinSteps can still show a conclusive regression; they can never show an OK.
        var enoughForOk = scope == FindingScope.Window && currentSteps >= policy.MinSteps;

        var (a1, n1) = Exceeding(baseline.Value, currentHistogram!);
        var (a0, n0) = Exceeding(baseline.Value, baselineHistogram!);
        var dispersion = ExceedanceDispersion(baseline.Value, input.Baseline);
        var expected = baseline.Value;
        double pValue;
        ControlShift? control = null;

        var controlCurrent = input.HasControl ? WindowStatistics.Quantile(input.ControlCurrent!, q) : null;
        var controlBaseline = input.HasControl ? WindowStatistics.Quantile(input.ControlBaseline!, q) : null;
        if (controlCurrent > 0 && controlBaseline > 0 && StepsWithLatency(input.ControlBaseline!) >= policy.MinSteps)
        {
            var (c1, m1) = Exceeding(controlBaseline.Value, WindowStatistics.Histogram(input.ControlCurrent!)!);
            var (c0, m0) = Exceeding(controlBaseline.Value, WindowStatistics.Histogram(input.ControlBaseline!)!);
            var controlDispersion = ExceedanceDispersion(controlBaseline.Value, input.ControlBaseline!);
            var controlRatio = controlCurrent.Value / controlBaseline.Value;
            expected = Discounted(baseline.Value, controlRatio, controlCurrent.Value - controlBaseline.Value);
            pValue = ControlledPValue(a1, n1, a0, n0, c1, m1, c0, m0, dispersion, controlDispersion);
            control = new ControlShift(controlCurrent, controlBaseline, controlRatio);
        }
        else
            pValue = ExactRateIncreasePValue(a1, n1, a0, n0, dispersion);

        var runs = new HistogramRuns([.. input.Baseline.Steps.Select(s => s.Latency)]);
        var envelope =
            Envelope(
                input,
                (i, n) => runs.Run(i, n) is { } h ? HistogramQuantile.Quantile(q, h) : null,
                QuantileSpread(input.Baseline, q),
                t.Alpha,
                policy.Analyses
            ) * (expected / baseline.Value);
        var finding = Decide(
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
            Span(input),
            envelope: envelope
        );

        // Power at the practical threshold, if the release were the baseline slowed down uniformly to reach it.
        var ratioAtThreshold = PracticalLimit(expected, t) / expected;
        var shareNow = a0 / n0;
        var shareAtThreshold = HistogramQuantile.CountAbove(baseline.Value / ratioAtThreshold, baselineHistogram!) / n0;
        var required = ProportionTest.RequiredRequests(shareNow, shareAtThreshold, t.Alpha, policy.Power, dispersion);
        finding = WithEvidence(finding, n1 >= required || a1 >= required * shareAtThreshold, t.Alpha, policy);
        if (finding.Outcome == FindingOutcome.Regressed && finding.Conclusive || scope == FindingScope.Recent)
            return finding;
        if (!enoughForOk)
            return NoData(check, group, MetricUnit.Seconds, current, baseline, t, $"{ReasonText.DisplayName(check)} not judged: {detail}");
        if (finding.Outcome == FindingOutcome.Regressed || finding.Conclusive)
            return finding;
        return Underpowered(finding, check, n1, expected * ratioAtThreshold, required, current, baseline, MetricUnit.Seconds, policy);
    }

    /// <summary>
    /// Throughput lost beyond the control's change: a z-test on per-step log request rates (the release's relative to the
    /// control's), so the load both share cancels out. Without a control a fall is only reported: the release cannot be
    /// told from its clients going quiet. A rise is never a regression: a release does not choose its load.
    /// </summary>
    public static MetricFinding Traffic(AnalysisInput input, Thresholds t, AnalysisPolicy policy, FindingScope scope = FindingScope.Window)
    {
        var now = WindowStatistics.StepThroughput(input.Current);
        var before = WindowStatistics.StepThroughput(input.Baseline);
        double? meanNow = now.Count > 0 ? now.Average(p => p.Value) : null;
        double? meanBefore = before.Count > 0 ? before.Average(p => p.Value) : null;
        var judged = input.HasControl && input.Mode == BaselineMode.BeforeDeploy;
        var group = judged ? "traffic" : "context";
        if (now.Count == 0 || before.Count < policy.MinSteps || meanBefore <= 0)
            return NoData(
                CheckNames.Throughput,
                group,
                MetricUnit.RequestsPerSecond,
                meanNow,
                meanBefore,
                t,
                $"Throughput not judged: {now.Count} release and {before.Count} baseline steps (minimum {policy.MinSteps} baseline steps)"
            ) with
            {
                Scope = scope,
            };

        if (judged)
        {
            var controlNow = WindowStatistics.StepThroughput(input.ControlCurrent!);
            var controlBefore = WindowStatistics.StepThroughput(input.ControlBaseline!);
            var x = LogRelativeTo(now, controlNow, input.Current.Step);
            var y = LogRelativeTo(before, controlBefore, input.Baseline.Step);
            if (x.Count > 0 && y.Count >= policy.MinSteps && controlBefore.Average(p => p.Value) > 0)
            {
                var controlRatio = controlNow.Average(p => p.Value) / controlBefore.Average(p => p.Value);
                // A control that lost traffic too explains the release's loss; one that gained (a campaign elsewhere) does not accuse it.
                var pValue = Math.Max(
                    MeanShiftTest.DecreasePValue(y, x),
                    MeanShiftTest.DecreasePValue(LogRates(before, input.Baseline.Step), LogRates(now, input.Current.Step))
                );
                var finding = Decide(
                    CheckNames.Throughput,
                    group,
                    MetricUnit.RequestsPerSecond,
                    Direction.DecreaseIsBad,
                    meanNow!.Value,
                    meanBefore!.Value,
                    meanBefore.Value * Math.Min(1.0, controlRatio),
                    pValue,
                    t,
                    new ControlShift(controlNow.Average(p => p.Value), controlBefore.Average(p => p.Value), controlRatio),
                    scope,
                    Span(input)
                );
                // One step can be a scrape hiccup; a verdict that skips confirmation needs at least two.
                return finding with
                {
                    Conclusive = x.Count >= 2,
                    Message =
                        finding.Outcome == FindingOutcome.Regressed
                            ? finding.Message + ": the release lost traffic the control kept"
                            : finding.Message,
                };
            }
        }

        var p = MeanShiftTest.DecreasePValue(LogRates(before, input.Baseline.Step), LogRates(now, input.Current.Step));
        var context = Decide(
            CheckNames.Throughput,
            group,
            MetricUnit.RequestsPerSecond,
            Direction.DecreaseIsBad,
            meanNow!.Value,
            meanBefore!.Value,
            meanBefore.Value,
            p,
            t,
            null,
            scope,
            Span(input)
        );
        if (context.Outcome != FindingOutcome.Regressed)
            return context with { Outcome = FindingOutcome.Unchanged, Severity = 0 };
        return context with
        {
            Outcome = FindingOutcome.Suspicious,
            Severity = 0,
            Message =
                context.Message + ": beyond the baseline's own variability, but with no control a lost route cannot be told from clients going quiet",
        };
    }

    /// <summary>Scalar per-step series (custom PromQL): Mann-Whitney U on the steps, practical test on the means.</summary>
    public static MetricFinding Scalar(
        string check,
        string group,
        MetricUnit unit,
        Direction direction,
        IReadOnlyList<ScalarPoint> current,
        IReadOnlyList<ScalarPoint> baseline,
        IReadOnlyList<ScalarPoint>? controlCurrent,
        IReadOnlyList<ScalarPoint>? controlBaseline,
        Thresholds t,
        int minSteps
    )
    {
        double? meanCurrent = current.Count > 0 ? current.Average(p => p.Value) : null;
        double? meanBaseline = baseline.Count > 0 ? baseline.Average(p => p.Value) : null;
        if (current.Count < minSteps || baseline.Count < minSteps)
            return NoData(
                check,
                group,
                unit,
                meanCurrent,
                meanBaseline,
                t,
                $"{ReasonText.DisplayName(check)} not judged: {current.Count} release and {baseline.Count} baseline steps with data "
                    + $"(minimum {minSteps} each)"
            );

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
                // As everywhere, the control may only explain a change away: the expected value moves the bad way only.
                var expected =
                    direction == Direction.IncreaseIsBad
                        ? Math.Max(meanBaseline!.Value, meanBaseline.Value * controlRatio)
                        : Math.Min(meanBaseline!.Value, meanBaseline.Value * controlRatio);
                var pDid = direction == Direction.IncreaseIsBad ? MannWhitneyU.GreaterPValue(rx, ry) : MannWhitneyU.GreaterPValue(ry, rx);
                var pPlain = MannWhitneyU.GreaterPValue(worse.Select(v => v.Value).ToList(), better.Select(v => v.Value).ToList());
                return Decide(
                    check,
                    group,
                    unit,
                    direction,
                    meanCurrent!.Value,
                    meanBaseline.Value,
                    expected,
                    Math.Max(pDid, pPlain),
                    t,
                    new ControlShift(cMeanNow, cMeanBefore, controlRatio)
                ) with
                {
                    Conclusive = true,
                };
            }
        }

        var p = MannWhitneyU.GreaterPValue(worse.Select(v => v.Value).ToList(), better.Select(v => v.Value).ToList());
        return Decide(check, group, unit, direction, meanCurrent!.Value, meanBaseline!.Value, meanBaseline.Value, p, t, null) with
        {
            Conclusive = true,
        };
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
        if (k <= 0)
            return 1.0;
        var share = n1 / (n1 + n0);
        // P(X >= k) for X ~ Binomial(k + rest, share) is I_share(k, rest + 1); the regularized beta takes real counts.
        return Math.Clamp(SpecialFunctions.BetaRegularized(k, rest + 1, share), 0.0, 1.0);
    }

    /// <summary>Each point divided by the control's point at the same time; points without a control partner are dropped.</summary>
    internal static List<double> RelativeTo(IReadOnlyList<ScalarPoint> series, IReadOnlyList<ScalarPoint> control)
    {
        var byTime = new Dictionary<DateTimeOffset, double>();
        foreach (var c in control)
            byTime[c.Time] = c.Value;
        var result = new List<double>(series.Count);
        foreach (var p in series)
            if (byTime.TryGetValue(p.Time, out var c) && c > 0 && double.IsFinite(p.Value / c))
                result.Add(p.Value / c);
        return result;
    }

    /// <summary>
    /// Records whether the window held conclusive evidence. A regression found on less is judged at alpha divided by the
    /// number of analyses: thin data is where looking again every interval turns chance into a false alarm (a service with
    /// no 5xx in its baseline hour shows four in its next 600 requests at p = 0.01 sooner or later).
    /// </summary>
    private static MetricFinding WithEvidence(MetricFinding f, bool conclusive, double alpha, AnalysisPolicy policy)
    {
        var strict = alpha / Math.Max(1, policy.Analyses);
        if (conclusive || f.Outcome != FindingOutcome.Regressed || f.PValue < strict)
            return f with { Conclusive = conclusive };
        return f with
        {
            Conclusive = false,
            Outcome = FindingOutcome.Suspicious,
            StatisticallySignificant = false,
            Severity = 0.2,
            Message =
                f.Message
                + $"; but on too little data to be conclusive, so it must hold at p<{strict.ToString("0.#####", CultureInfo.InvariantCulture)} "
                + $"(alpha over {policy.Analyses} analyses)",
        };
    }

    /// <summary>
    /// What the release's metric should be, given the control's shift: the larger of the proportional and the additive
    /// model, and never below the baseline, since a control may only discount a rise.
    /// </summary>
    private static double Discounted(double baseline, double controlRatio, double controlDelta) =>
        Math.Max(baseline, Math.Max(baseline * controlRatio, baseline + controlDelta));

    /// <summary>
    /// The p-value of a rise of a ratio with a control: the largest of the log-odds and the additive difference-in-differences
    /// tests and of the plain test without the control, so the release is judged by the model that blames it least.
    /// </summary>
    private static double ControlledPValue(
        double e1,
        double n1,
        double e0,
        double n0,
        double c1,
        double m1,
        double c0,
        double m0,
        double dispersion,
        double controlDispersion
    ) =>
        Math.Max(
            ExactRateIncreasePValue(e1, n1, e0, n0, dispersion),
            Math.Max(
                ProportionTest.DifferenceInDifferencesPValue(e1, n1, e0, n0, c1, m1, c0, m0, dispersion, controlDispersion),
                ProportionTest.AdditiveDifferenceInDifferencesPValue(e1, n1, e0, n0, c1, m1, c0, m0, dispersion, controlDispersion)
            )
        );

    /// <summary>The smallest value of the metric that passes the practical test against <paramref name="expected"/>.</summary>
    internal static double PracticalLimit(double expected, Thresholds t) => Math.Max(expected * t.MinRatio, expected + t.MinIncrease);

    /// <summary>Requests slower than <paramref name="value"/>, and all requests, in a histogram.</summary>
    internal static (double Above, double Total) Exceeding(double value, LatencyHistogram histogram) =>
        (HistogramQuantile.CountAbove(value, histogram), histogram.Count);

    private static double ExceedanceDispersion(double value, TrafficWindow window) =>
        ProportionTest.Dispersion(window.Steps.Where(s => s.Latency is { Count: > 0 }).Select(s => Exceeding(value, s.Latency!)));

    private static TimeSpan Span(AnalysisInput input) => input.Current.End - input.Current.Start;

    private static int StepsWithLatency(TrafficWindow w) => w.Steps.Count(s => s.Latency is { Count: > 0 });

    // Half a request of smoothing: a step without a single request is a (large) fall, not minus infinity.
    private static List<double> LogRates(IReadOnlyList<ScalarPoint> rates, TimeSpan step) =>
        rates.Select(p => Math.Log(p.Value + 0.5 / step.TotalSeconds)).ToList();

    private static List<double> LogRelativeTo(IReadOnlyList<ScalarPoint> series, IReadOnlyList<ScalarPoint> control, TimeSpan step)
    {
        var byTime = new Dictionary<DateTimeOffset, double>();
        foreach (var c in control)
            byTime[c.Time] = c.Value;
        var smoothing = 0.5 / step.TotalSeconds;
        return series
            .Where(p => byTime.TryGetValue(p.Time, out var c) && c > 0)
            .Select(p => Math.Log(p.Value + smoothing) - Math.Log(byTime[p.Time] + smoothing))
            .ToList();
    }

    private static (double Errors, double Requests) Totals(TrafficWindow w, Func<StepSample, double> errorsOf) =>
        (w.Steps.Sum(errorsOf), w.Steps.Sum(s => s.Requests));

    private static MetricFinding NoData(
        string check,
        string group,
        MetricUnit unit,
        double? current,
        double? baseline,
        Thresholds t,
        string message
    ) => new(check, group, unit, FindingOutcome.NoData, current, baseline, baseline, null, null, null, false, false, t.Critical, 0, null, message);

    private static MetricFinding Decide(
        string check,
        string group,
        MetricUnit unit,
        Direction direction,
        double current,
        double baseline,
        double expected,
        double pValue,
        Thresholds t,
        ControlShift? control,
        FindingScope scope = FindingScope.Window,
        TimeSpan span = default,
        string note = "",
        double? envelope = null
    )
    {
        var (ratio, delta) =
            direction == Direction.IncreaseIsBad
                ? (RatioOf(current, expected), current - expected)
                : (RatioOf(expected, current), expected - current);
        var statistical = pValue < t.Alpha;
        var beyondThreshold = ratio >= t.MinRatio && delta >= t.MinIncrease && delta > 0;
        var usual = beyondThreshold && envelope is { } top && current <= top;
        var practical = beyondThreshold && !usual;
        var outcome =
            statistical && practical ? FindingOutcome.Regressed
            : statistical ^ practical && ratio > 1 ? FindingOutcome.Suspicious
            : FindingOutcome.Unchanged;
        var severity = Severity(outcome, ratio, LimitRatio(direction, expected, t));
        var finding = new MetricFinding(
            check,
            group,
            unit,
            outcome,
            current,
            baseline,
            expected,
            ratio,
            delta,
            pValue,
            statistical,
            practical,
            t.Critical,
            severity,
            control,
            ""
        )
        {
            Scope = scope,
        };
        var message = Describe(finding, t, span) + note;
        if (usual)
            message +=
                $"; but the baseline itself reached {ReasonText.Value(envelope, unit)} over a stretch as short as this one, so it is not "
                + $"unusual for this service";
        return finding with { Message = message };
    }

    /// <summary>
    /// How bad a stretch of the baseline as long as the release window may get (the caller scales it by the control's
    /// shift). A short window of a bursty service is compared with the service's own bursts: it must be worse than every
    /// run of as many consecutive baseline steps, and beyond a log-normal prediction bound for such a run. Each analysis
    /// looks at short windows again (the first minutes, then the last minutes) and at four metrics, so the bound holds at
    /// alpha divided by analyses × four; and the spread is estimated from the baseline, so its multiplier is Student's t,
    /// not the normal's. Without both, chance alone would flag a noisy service once in the window. Null for windows too
    /// long to have many such runs in the baseline, where the tests' dispersion correction is enough.
    /// </summary>
    /// <param name="valueOf">The metric over the run of baseline steps starting at an index, of a length (an error ratio, a pooled quantile).</param>
    /// <param name="stepSpread">The spread of log(value) of a run of <c>length</c> steps, predicted from single steps.</param>
    private static double? Envelope(AnalysisInput input, Func<int, int, double?> valueOf, Func<int, double> stepSpread, double alpha, int analyses)
    {
        var length = Math.Max(1, input.Current.ExpectedSteps);
        var steps = input.Baseline.Steps.Length;
        if (steps < 2 * length)
            return null;
        var values = new List<double>();
        for (var i = 0; i + length <= steps; i++)
            if (valueOf(i, length) is { } v && double.IsFinite(v) && v > 0)
                values.Add(v);
        if (values.Count < 2)
            return null;
        // Overlapping runs hold few independent samples (60 steps hold six runs of ten), so their spread alone can come out
        // small by chance; the spread predicted from all single steps and their autocorrelation is steadier. Take the larger.
        var logs = values.Select(v => Math.Log(v)).ToList();
        var centre = logs.Average();
        var observed = Math.Sqrt(logs.Sum(l => (l - centre) * (l - centre)) / (logs.Count - 1));
        var spread = Math.Max(observed, stepSpread(length));
        var looks = Math.Max(1, analyses) * JudgedMetricsPerAnalysis;
        var multiplier = StudentQuantile(steps - 1, 1 - alpha / looks);
        return Math.Max(values.Max(), Math.Exp(centre + multiplier * spread));
    }

    // MathNet finds a Student t quantile by root search; the same few (degrees of freedom, level) pairs recur in every
    // analysis of every Release, so each is searched once. Bounded, in case a fleet brings many distinct pairs.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Dof, double P), double> StudentQuantiles = new();

    private static double StudentQuantile(int dof, double p)
    {
        if (StudentQuantiles.TryGetValue((dof, p), out var known))
            return known;
        var value = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, dof, p);
        if (StudentQuantiles.Count < 4096)
            StudentQuantiles[(dof, p)] = value;
        return value;
    }

    /// <summary>Error rate, 5xx rate, P95 and P99: the metrics each analysis judges against the baseline's short runs.</summary>
    private const int JudgedMetricsPerAnalysis = 4;

    /// <summary>Spread of log(error ratio) over a run of steps: count variance and lag-1 autocorrelation of the per-step residuals.</summary>
    private static Func<int, double> RatioSpread(IReadOnlyList<(double Events, double Trials)> steps)
    {
        var list = steps.Where(s => s.Trials > 0).ToList();
        var events = list.Sum(s => s.Events);
        if (list.Count < 3 || events <= 0)
            return _ => 0;
        var p = events / list.Sum(s => s.Trials);
        var residuals = list.Select(s => s.Events - p * s.Trials).ToList();
        var perStep = events / list.Count;
        return length => Math.Sqrt(SeriesVariance(residuals) * MeanShiftTest.MeanVarianceFactor(length, LagOne(residuals))) / perStep;
    }

    /// <summary>Spread of log(quantile) over a run of steps, from the per-step quantiles' variance and autocorrelation.</summary>
    private static Func<int, double> QuantileSpread(TrafficWindow baseline, double q)
    {
        var logs = WindowStatistics.StepQuantiles(baseline, q).Where(p => p.Value > 0).Select(p => Math.Log(p.Value)).ToList();
        if (logs.Count < 3)
            return _ => 0;
        var mean = logs.Average();
        var centred = logs.Select(l => l - mean).ToList();
        return length => Math.Sqrt(SeriesVariance(centred) * MeanShiftTest.MeanVarianceFactor(length, LagOne(centred)));
    }

    private static double[] Prefix(IEnumerable<double> values)
    {
        var sums = new List<double> { 0 };
        foreach (var v in values)
            sums.Add(sums[^1] + v);
        return [.. sums];
    }

    private static double SeriesVariance(List<double> centred) => centred.Sum(r => r * r) / Math.Max(1, centred.Count - 1);

    private static double LagOne(List<double> centred)
    {
        var variance = centred.Sum(r => r * r);
        if (variance <= 0)
            return 0;
        double lagged = 0;
        for (var i = 1; i < centred.Count; i++)
            lagged += centred[i] * centred[i - 1];
        return Math.Clamp(lagged / variance, 0, 0.95);
    }

    private static double RatioOf(double a, double b) =>
        b > 0 ? a / b
        : a > 0 ? double.PositiveInfinity
        : 1.0;

    /// <summary>The (oriented) ratio to the expected value at which the practical test starts to pass.</summary>
    private static double LimitRatio(Direction direction, double expected, Thresholds t)
    {
        if (direction == Direction.IncreaseIsBad)
            return expected > 0 ? Math.Max(t.MinRatio, 1 + t.MinIncrease / expected) : double.PositiveInfinity;
        return expected > t.MinIncrease ? Math.Max(t.MinRatio, expected / (expected - t.MinIncrease)) : double.PositiveInfinity;
    }

    /// <summary>
    /// A confirmed regression scores 0.85 at the practical threshold and 1.0 at its square (2× → 4×), so one confirmed
    /// regression of any built-in component clears the default risky score alone. Unconfirmed movement scores at most 0.2,
    /// so suspicion everywhere can never add up to a risky verdict.
    /// </summary>
    private static double Severity(FindingOutcome outcome, double ratio, double limit)
    {
        var logLimit = Math.Log(Math.Max(limit, 1.0001));
        if (outcome == FindingOutcome.Regressed)
            return double.IsInfinity(limit) || double.IsInfinity(ratio) ? 1.0 : 0.85 + 0.15 * Math.Clamp(Math.Log(ratio / limit) / logLimit, 0, 1);
        if (ratio <= 1)
            return 0;
        return double.IsInfinity(limit) ? 0.2 : 0.2 * Math.Clamp(Math.Log(ratio) / logLimit, 0, 1);
    }

    private static string BudgetNote(SloPolicy slo, double current, double expected)
    {
        var objective = (slo.Objective * 100).ToString("0.###", CultureInfo.InvariantCulture);
        return $"; against the {objective}% objective it burns the error budget at {Times(slo.BurnRate(current))} the sustainable rate "
            + $"(expected {Times(slo.BurnRate(expected))}; at most +{Times(slo.MaxBurnRateIncrease)} allowed)";
    }

    private static string Times(double v) => v.ToString(v >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture) + "×";

    private static string Describe(MetricFinding f, Thresholds t, TimeSpan span)
    {
        var name = ReasonText.DisplayName(f.Check) + (f.Scope == FindingScope.Recent ? $" over the last {ReasonText.Duration(span)}" : "");
        var values = $"{ReasonText.Value(f.Baseline, f.Unit)} → {ReasonText.Value(f.Current, f.Unit)}";
        var change = ReasonText.Change(f.Current, f.Baseline);
        var controlNote = f.Control is { } c
            ? $"; control {ReasonText.Change(c.Current, c.Baseline)} "
                + $"({ReasonText.Value(c.Baseline, f.Unit)} → {ReasonText.Value(c.Current, f.Unit)})"
            : "";
        var p = ReasonText.PValue(f.PValue);
        return f.Outcome switch
        {
            FindingOutcome.Regressed when f.Control is not null =>
                $"{name} {change} ({values}, {p}) vs baseline, beyond the control's change{controlNote}",
            FindingOutcome.Regressed => $"{name} {change} ({values}, {p}) vs baseline",
            FindingOutcome.Suspicious when f.StatisticallySignificant =>
                $"{name} {change} ({values}, {p}): statistically significant but below the practical threshold "
                    + $"({ReasonText.Threshold(t, f.Unit, f.Current < f.Baseline && f.Group == RiskScorer.TrafficGroup)}){controlNote}",
            FindingOutcome.Suspicious => $"{name} {change} ({values}) but not statistically significant ({p}, needs "
                + $"p<{t.Alpha.ToString(CultureInfo.InvariantCulture)}){controlNote}",
            _ when f.Control is { Ratio: > 1.1 } && f.Current > f.Baseline && f.Ratio < t.MinRatio =>
                $"{name} {change} ({values}) but the control rose too{controlNote}: not attributed to the release ({p})",
            _ => $"{name} {change} ({values}, {p}){controlNote}",
        };
    }
}
