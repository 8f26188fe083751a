using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine.Judges;

/// <summary>
/// Throughput lost beyond the control's change: a z-test on per-step log request rates (the release's relative to the
/// control's), so the load both share cancels out. Without a control a fall is only reported: the release cannot be
/// told from its clients going quiet. A rise is never a regression: a release does not choose its load. A canary
/// against its stable pods is judged on its share of the traffic instead (see <see cref="Share"/>).
/// </summary>
public static class TrafficJudge
{
    /// <summary>Steps at the start of a canary's window that set the share it is held to.</summary>
    private const int ShareStartSteps = 3;

    public static MetricFinding Judge(AnalysisInput input, Thresholds t, AnalysisPolicy policy, FindingScope scope = FindingScope.Window)
    {
        if (!input.HasControl && input.Mode == BaselineMode.Concurrent)
            return Share(input, t, scope);
        var now = WindowStatistics.StepThroughput(input.Current);
        var before = WindowStatistics.StepThroughput(input.Baseline);
        double? meanNow = now.Count > 0 ? now.Average(p => p.Value) : null;
        double? meanBefore = before.Count > 0 ? before.Average(p => p.Value) : null;
        var judged = input.HasControl && input.Mode == BaselineMode.BeforeDeploy;
        var group = judged ? "traffic" : "context";
        if (now.Count == 0 || before.Count < policy.MinSteps || meanBefore <= 0)
            return FindingRules.NoData(
                CheckNames.Throughput,
                group,
                MetricUnit.RequestsPerSecond,
                meanNow,
                meanBefore,
                t,
                $"Throughput not judged: {now.Count} release and {before.Count} baseline steps (minimum {policy.MinSteps} baseline steps)",
                scope
            );

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
                var finding = FindingRules.Decide(
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
                    input.Current.End - input.Current.Start
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
        var context = FindingRules.Decide(
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
            input.Current.End - input.Current.Start
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

    /// <summary>
    /// A canary serves a share of the traffic, not the whole of it: "down 80 % vs baseline" would be its weight, not a
    /// fault. Its share of the two populations' requests, step by step, is held to its share over the window's first
    /// steps; a fall beyond the practical ratio (pods failing readiness, a route lost) is a regression. A rise is not:
    /// the rollout may step its weight up.
    /// </summary>
    private static MetricFinding Share(AnalysisInput input, Thresholds t, FindingScope scope)
    {
        var stable = input.Baseline.Steps.ToDictionary(s => s.Time, s => s.Requests);
        var shares = input
            .Current.Steps.Where(s => stable.TryGetValue(s.Time, out var b) && s.Requests + b > 0)
            .Select(s => (s.Requests + 0.5) / (s.Requests + stable[s.Time] + 1))
            .ToList();
        if (scope == FindingScope.Recent || shares.Count <= ShareStartSteps)
            return FindingRules.NoData(
                CheckNames.Throughput,
                "context",
                MetricUnit.Ratio,
                shares.Count > 0 ? shares.Average() : null,
                null,
                t,
                $"Traffic share not judged yet: {shares.Count} steps with traffic (the first {ShareStartSteps} set the share it is held to)",
                scope
            ) with
            {
                Outcome = FindingOutcome.Unchanged,
            };
        static double Logit(double p) => Math.Log(p / (1 - p));
        var start = shares.Take(ShareStartSteps).ToList();
        var rest = shares.Skip(ShareStartSteps).ToList();
        var finding = FindingRules.Decide(
            CheckNames.Throughput,
            RiskScorer.TrafficGroup,
            MetricUnit.Ratio,
            Direction.DecreaseIsBad,
            rest.Average(),
            start.Average(),
            start.Average(),
            MeanShiftTest.DecreasePValue([.. start.Select(Logit)], [.. rest.Select(Logit)]),
            t,
            null,
            scope,
            input.Current.End - input.Current.Start
        );
        var share = ReasonText.Value(rest.Average(), MetricUnit.Ratio);
        var was = ReasonText.Value(start.Average(), MetricUnit.Ratio);
        return finding with
        {
            Conclusive = rest.Count >= 2,
            Message =
                finding.Outcome == FindingOutcome.Regressed
                    ? $"Traffic share down to {share} of the service from {was} at the start of the window ({ReasonText.PValue(finding.PValue)}): "
                        + "the canary lost traffic its stable pods kept"
                    : $"Traffic share {share} of the service ({was} at the start of the window)",
        };
    }

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
}
