using System.Collections.Immutable;
using ReleaseRadar.Engine.Judges;

namespace ReleaseRadar.Engine.Baselines;

/// <summary>
/// Judges a metric against its screened baseline. With a trusted screen the release is judged against the baseline
/// without its stretches. With an untrusted one (an incident still running at the deploy, or a baseline mostly worse than
/// its best stretch), it is judged against both regimes: a regression against the worst of them stands, since the release
/// is worse even than the incident; an OK needs an OK against the best; and where the two disagree the metric is not
/// judged, with the reason, because which of them is the service's usual self cannot be told from the data.
/// </summary>
public static class ScreenedJudgement
{
    public static MetricFinding Judge(Func<AnalysisInput, MetricFinding> judge, AnalysisInput input, ScreenedBaseline screen, Thresholds t)
    {
        if (screen.IsClean)
            return judge(input);
        var strict = judge(Without(input, screen.LeftOut));
        if (screen.Trusted)
            return Annotated(strict, screen, input);
        var whole = judge(Without(input, screen.OutsideWorst));
        if (whole.Outcome == FindingOutcome.Regressed)
            return Annotated(whole, screen, input);
        if (strict.Outcome != FindingOutcome.Regressed)
            return Annotated(strict, screen, input);
        return FindingRules.NoData(
            strict.Check,
            strict.Group,
            strict.Unit,
            strict.Current,
            whole.Baseline,
            t,
            $"{ReasonText.DisplayName(strict.Check)} not judged: its baseline was not steady ({Describe(screen, strict.Unit, input)}); "
                + $"the release's {ReasonText.Value(strict.Current, strict.Unit)} is worse than the best of it "
                + $"({ReasonText.Value(strict.Baseline, strict.Unit)}) and no worse than the worst "
                + $"({ReasonText.Value(whole.Baseline, strict.Unit)}), and which is usual cannot be told",
            strict.Scope
        );
    }

    /// <summary>The input with the left-out steps taken out of the baseline, and of the control's baseline at the same times.</summary>
    public static AnalysisInput Without(AnalysisInput input, ImmutableHashSet<DateTimeOffset> leftOut)
    {
        TrafficWindow Cut(TrafficWindow w)
        {
            var kept = w.Steps.Where(s => !leftOut.Contains(s.Time)).ToImmutableArray();
            return w with { Steps = kept, ExpectedSteps = Math.Max(0, w.ExpectedSteps - (w.Steps.Length - kept.Length)) };
        }
        return input with { Baseline = Cut(input.Baseline), ControlBaseline = input.ControlBaseline is { } c ? Cut(c) : null };
    }

    /// <summary>
    /// The finding with what was left out said in its sentence. An early onset is told as the release's own change only
    /// where the release shows it too; otherwise it is one more stretch left out.
    /// </summary>
    private static MetricFinding Annotated(MetricFinding f, ScreenedBaseline screen, AnalysisInput input)
    {
        var worse = f.Outcome is FindingOutcome.Regressed or FindingOutcome.Suspicious;
        if (screen.EarlyOnset is { } early && worse && f.Scope == FindingScope.Window)
        {
            var before = input.DeployedAt is { } deployed ? deployed - early.Start : input.Baseline.End - early.Start;
            return f with
            {
                Onset = early.Start,
                Message =
                    f.Message
                    + $"; the change began {ReasonText.Duration(before)} before the deploy time ({ReasonText.Value(early.Rest, f.Unit)} → "
                    + $"{ReasonText.Value(early.Level, f.Unit)} from {early.Start:HH:mm:ss}Z), so the baseline ends there",
            };
        }
        var said = screen.Trusted
            ? "left out of its baseline"
            : "its baseline was not steady, and the release is judged against all of it and its best stretch";
        return f with { Message = f.Message + $"; {said}: {Describe(screen, f.Unit, input)}" };
    }

    private static string Describe(ScreenedBaseline screen, MetricUnit unit, AnalysisInput input)
    {
        var end = input.DeployedAt ?? input.Baseline.End;
        var parts = screen
            .Stretches.Take(2)
            .Select(s =>
                $"{ReasonText.Value(s.Level, unit)} for {ReasonText.Duration(s.Length)}"
                + (s.End >= input.Baseline.End ? " up to the deploy" : $", {ReasonText.Duration(end - s.End)} before the deploy")
                + $" against {ReasonText.Value(s.Rest, unit)} in the rest"
            )
            .ToList();
        var more = screen.Stretches.Length > 2 ? $", and {screen.Stretches.Length - 2} more" : "";
        return string.Join("; ", parts) + more;
    }
}
