using System.Globalization;
using MathNet.Numerics;
using ReleaseRadar.Engine.Baselines;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine.Judges;

/// <summary>
/// The rules every judge shares: both tests must pass for a regression (statistical: is the change real? practical: is
/// it big enough to matter?), the severity a finding scores, the evidence an OK needs, and the sentence a finding reads as.
/// A control can only discount a change, never accuse.
/// </summary>
public static class FindingRules
{
    /// <summary>The smallest value of the metric that passes the practical test against <paramref name="expected"/>.</summary>
    public static double PracticalLimit(double expected, Thresholds t) => Math.Max(expected * t.MinRatio, expected + t.MinIncrease);

    /// <summary>Whether <paramref name="higher"/> is beyond the practical threshold above <paramref name="lower"/>.</summary>
    public static bool PracticallyAbove(double higher, double lower, Thresholds t) => higher > lower && higher >= PracticalLimit(lower, t);

    /// <summary>
    /// What the release's metric should be, given the control's shift: the larger of the proportional and the additive
    /// model, and never below the baseline, since a control may only discount a rise.
    /// </summary>
    public static double Discounted(double baseline, double controlRatio, double controlDelta) =>
        Math.Max(baseline, Math.Max(baseline * controlRatio, baseline + controlDelta));

    /// <summary>
    /// Exact conditional test for comparing two rates: given all errors E seen in both windows, under "no change" the
    /// release's share of them is Binomial(E, n1/(n1+n0)). Exact at the handful-of-errors counts where a z-test lies.
    /// Over-dispersion scales the counts down (quasi-likelihood), so a noisy baseline needs a bigger change.
    /// </summary>
    public static double ExactRateIncreasePValue(double e1, double n1, double e0, double n0, double dispersion)
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

    /// <summary>
    /// The p-value of a rise of a ratio with a control: the largest of the log-odds and the additive difference-in-differences
    /// tests and of the plain test without the control, so the release is judged by the model that blames it least.
    /// </summary>
    public static double ControlledPValue(
        (double Events, double Trials) now,
        (double Events, double Trials) before,
        (double Events, double Trials) controlNow,
        (double Events, double Trials) controlBefore,
        double dispersion,
        double controlDispersion
    )
    {
        var (e1, n1) = now;
        var (e0, n0) = before;
        var (c1, m1) = controlNow;
        var (c0, m0) = controlBefore;
        return Math.Max(
            ExactRateIncreasePValue(e1, n1, e0, n0, dispersion),
            Math.Max(
                ProportionTest.DifferenceInDifferencesPValue(e1, n1, e0, n0, c1, m1, c0, m0, dispersion, controlDispersion),
                ProportionTest.AdditiveDifferenceInDifferencesPValue(e1, n1, e0, n0, c1, m1, c0, m0, dispersion, controlDispersion)
            )
        );
    }

    public static MetricFinding NoData(
        string check,
        string group,
        MetricUnit unit,
        double? current,
        double? baseline,
        Thresholds t,
        string message,
        FindingScope scope = FindingScope.Window
    ) =>
        new(check, group, unit, FindingOutcome.NoData, current, baseline, baseline, null, null, null, false, false, t.Critical, 0, null, message)
        {
            Scope = scope,
        };

    /// <summary>
    /// The finding from both tests: a regression when both pass, suspicious when one does and the metric got worse. A short
    /// window that is beyond the practical threshold but within what runs of its length reach in the service's own
    /// baseline (<paramref name="envelope"/>, scaled by the control's shift) is usual for the service, not practical.
    /// </summary>
    public static MetricFinding Decide(
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
        RunEnvelope? envelope = null
    )
    {
        var (ratio, delta) =
            direction == Direction.IncreaseIsBad
                ? (RatioOf(current, expected), current - expected)
                : (RatioOf(expected, current), expected - current);
        var statistical = pValue < t.Alpha;
        var beyond = ratio >= t.MinRatio && delta >= t.MinIncrease && delta > 0;
        var cap = unit == MetricUnit.Ratio ? 1.0 : double.PositiveInfinity;
        var bound = envelope is { } e && baseline > 0 ? Math.Min(cap, e.Bound * expected / baseline) : (double?)null;
        var usual = beyond && current <= bound;
        var practical = beyond && !usual;
        var outcome =
            statistical && practical ? FindingOutcome.Regressed
            : statistical ^ practical && ratio > 1 ? FindingOutcome.Suspicious
            : usual && ratio > 1 ? FindingOutcome.Suspicious
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
            BeyondThreshold = beyond,
        };
        var message = usual ? DescribeUsual(finding, envelope!, bound!.Value, span) : Describe(finding, t, span);
        return finding with { Message = message + note };
    }

    /// <summary>
    /// Records whether the window held conclusive evidence. A regression found on less is judged at alpha over every look
    /// at every metric (<see cref="AnalysisPolicy.PerRecentLook"/>): thin data is where looking again every interval turns
    /// chance into a false alarm (a service with no 5xx in its baseline hour shows four in its next 600 requests at p = 0.01
    /// sooner or later), and a bursty service's first minutes wander more than its counts say.
    /// </summary>
    public static MetricFinding WithEvidence(MetricFinding f, bool conclusive, double alpha, AnalysisPolicy policy)
    {
        var strict = policy.PerRecentLook(alpha);
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
                + $"; but on too little data to be conclusive, so it must hold at p<{strict.ToString("0.######", CultureInfo.InvariantCulture)} "
                + $"(alpha over {policy.Analyses} analyses of {AnalysisPolicy.JudgedMetrics} metrics)",
        };
    }

    /// <summary>An OK the data cannot support: too few requests to rule out a rise to the threshold, so not judged.</summary>
    public static MetricFinding Underpowered(
        MetricFinding finding,
        double n1,
        double threshold,
        double required,
        MetricUnit unit,
        AnalysisPolicy policy
    ) =>
        finding with
        {
            Outcome = FindingOutcome.NoData,
            Severity = 0,
            Message =
                $"{ReasonText.DisplayName(finding.Check)} not judged: {ReasonText.Count(n1)} requests in the release window cannot rule out a "
                + $"rise to {ReasonText.Value(threshold, unit)} (needs ~{ReasonText.Count(Math.Ceiling(required))} for "
                + $"{ReasonText.Percent(policy.Power)} power; "
                + $"seen {ReasonText.Value(finding.Current, unit)} vs {ReasonText.Value(finding.Baseline, unit)})",
        };

    public static double RatioOf(double a, double b) =>
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

    /// <summary>
    /// A change beyond the practical threshold that runs of this length reach in the service's own baseline: what they
    /// were observed to read, and the bound chance takes them to, each named for what it is.
    /// </summary>
    private static string DescribeUsual(MetricFinding f, RunEnvelope e, double bound, TimeSpan span)
    {
        var name = ReasonText.DisplayName(f.Check) + (f.Scope == FindingScope.Recent ? $" over the last {ReasonText.Duration(span)}" : "");
        var values = $"{ReasonText.Value(f.Baseline, f.Unit)} → {ReasonText.Value(f.Current, f.Unit)}";
        return $"{name} {ReasonText.Change(f.Current, f.Baseline)} ({values}, {ReasonText.PValue(f.PValue)}), but within what "
            + $"{ReasonText.Duration(e.Duration)} stretches of this service's own baseline do: its {e.Runs} such stretches read "
            + $"{ReasonText.Value(e.Typical, f.Unit)} typically and up to {ReasonText.Value(e.Highest, f.Unit)}, and chance alone takes "
            + $"one to {ReasonText.Value(bound, f.Unit)}";
    }

    /// <summary>
    /// The finding as a sentence. Each branch says only what the numbers show: "below the practical threshold" only where
    /// the change is, "the control rose too" only where it did.
    /// </summary>
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
        var explained = f.Control is not null && f.Expected > f.Baseline;
        return f.Outcome switch
        {
            FindingOutcome.Regressed when f.Control is not null =>
                $"{name} {change} ({values}, {p}) vs baseline, beyond the control's change{controlNote}",
            FindingOutcome.Regressed => $"{name} {change} ({values}, {p}) vs baseline",
            FindingOutcome.Suspicious when f.StatisticallySignificant && explained =>
                $"{name} {change} ({values}, {p}), but the control's change explains most of it: "
                    + $"{ReasonText.Value(f.Expected, f.Unit)} expected, within the practical threshold "
                    + $"({ReasonText.Threshold(t, f.Unit, f.Current < f.Baseline && f.Group == RiskScorer.TrafficGroup)}){controlNote}",
            FindingOutcome.Suspicious when f.StatisticallySignificant =>
                $"{name} {change} ({values}, {p}): statistically significant but below the practical threshold "
                    + $"({ReasonText.Threshold(t, f.Unit, f.Current < f.Baseline && f.Group == RiskScorer.TrafficGroup)}){controlNote}",
            FindingOutcome.Suspicious => $"{name} {change} ({values}) but not statistically significant ({p}, needs "
                + $"p<{t.Alpha.ToString("G2", CultureInfo.InvariantCulture)}){controlNote}",
            _ when f.Control is { Ratio: > 1.1 } && f.Current > f.Baseline && f.Ratio < t.MinRatio =>
                $"{name} {change} ({values}) but the control rose too{controlNote}: not attributed to the release ({p})",
            _ => $"{name} {change} ({values}, {p}){controlNote}",
        };
    }
}
