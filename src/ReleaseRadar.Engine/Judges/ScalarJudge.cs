using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine.Judges;

/// <summary>Custom PromQL metrics: Mann-Whitney U on the per-step values, the practical test on the means.</summary>
public static class ScalarJudge
{
    public static MetricFinding Judge(
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
            return FindingRules.NoData(
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
                return FindingRules.Decide(
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
        return FindingRules.Decide(check, group, unit, direction, meanCurrent!.Value, meanBaseline!.Value, meanBaseline.Value, p, t, null) with
        {
            Conclusive = true,
        };
    }

    /// <summary>Each point divided by the control's point at the same time; points without a control partner are dropped.</summary>
    public static List<double> RelativeTo(IReadOnlyList<ScalarPoint> series, IReadOnlyList<ScalarPoint> control)
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
}
