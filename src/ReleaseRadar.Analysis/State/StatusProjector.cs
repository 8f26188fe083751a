using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.State;

/// <summary>
/// Builds the state to store from the previous state and what just happened. Pure: the operator and the CLI call it
/// with the same inputs and get the same state. Nothing already recorded (history, verdict) is dropped by a failure path.
/// </summary>
public static class StatusProjector
{
    public static ReleaseState Invalid(ReleaseState previous, IReadOnlyList<string> errors, DateTimeOffset now, long? generation) =>
        previous with
        {
            Phase = ReleasePhase.Invalid,
            ObservedGeneration = generation,
            Conditions = Conditions.Set(
                previous.Conditions,
                ConditionType.SpecValid,
                false,
                "InvalidSpec",
                string.Join("; ", errors),
                now,
                generation
            ),
        };

    /// <summary>The plan's deploy time and window end, recorded at every analysis so a table can show them.</summary>
    public static ReleaseState Planned(ReleaseState previous, ReleasePlan plan) =>
        previous with
        {
            DeployedAt = plan.DeployedAt,
            WindowEnd = AnalysisSchedule.Grid(plan).WindowEnd,
        };

    public static ReleaseState Waiting(ReleaseState previous, ReleasePlan plan, AnalysisWindows windows, DateTimeOffset now, long? generation)
    {
        var message =
            windows.Phase == ReleasePhase.Pending
                ? $"Not deployed yet (in {ReasonText.Duration(plan.DeployedAt - now)}): spec.deployedAt is {Rfc3339.Format(plan.DeployedAt)}"
                : $"Warming up until {Rfc3339.Format(windows.CurrentStart + plan.Interval)}; the first {GoDuration.Format(plan.Warmup)} "
                    + $"after the deploy are ignored";
        return previous with
        {
            Phase = windows.Phase,
            ObservedGeneration = generation,
            // Until a verdict exists the reason is where the release stands now (not a stale "not deployed yet").
            Reasons = previous.Verdict is null ? [message] : previous.Reasons,
            Conditions = Conditions.Set(previous.Conditions, ConditionType.SpecValid, true, "Valid", "The spec is valid", now, generation),
            AnalysisWindow = new TimeWindow(windows.CurrentStart, AnalysisSchedule.Grid(plan).WindowEnd),
        };
    }

    /// <summary>
    /// The spec changed after a verdict: the analysis starts over, so the old spec's verdict, values and timeline are not
    /// shown as the new one's while it warms up. Actions, conditions and the binding stay.
    /// </summary>
    public static ReleaseState Restarted(ReleaseState previous, long? generation) =>
        previous with
        {
            Verdict = null,
            RiskScore = null,
            Reasons =
            [
                $"The spec changed (generation {generation}); the analysis restarted, and the verdict "
                    + $"{Vocabulary.Word(previous.Verdict)} was the previous spec's",
            ],
            Current = null,
            Baseline = null,
            Control = null,
            Metrics = [],
            History = [],
            LastAnalysis = null,
            AnalysisWindow = null,
            BaselineWindow = null,
            BaselineSource = null,
        };

    /// <summary>The metric source failed: say so, keep every recorded value, and leave the verdict as it was.</summary>
    public static ReleaseState SourceFailed(ReleaseState previous, string reason, string message, DateTimeOffset now, long? generation)
    {
        var conditions = Conditions.Set(previous.Conditions, ConditionType.SpecValid, true, "Valid", "The spec is valid", now, generation);
        conditions = Conditions.Set(conditions, ConditionType.MetricsAvailable, false, reason, message, now, generation);
        return previous with
        {
            Phase = previous.Phase is null or ReleasePhase.Pending or ReleasePhase.WarmingUp or ReleasePhase.Invalid
                ? ReleasePhase.Analyzing
                : previous.Phase,
            ObservedGeneration = generation,
            Conditions = conditions,
        };
    }

    public static ReleaseState Analyzed(
        ReleaseState previous,
        ReleasePlan plan,
        AnalysisWindows windows,
        AnalysisResult result,
        VerdictDecision decision,
        DateTimeOffset now,
        long? generation
    )
    {
        var c = Conditions.Set(previous.Conditions, ConditionType.SpecValid, true, "Valid", "The spec is valid", now, generation);
        c = Conditions.Set(c, ConditionType.MetricsAvailable, true, "QueriesSucceeded", "Prometheus answered every query", now, generation);
        c =
            result.Assessment == Assessment.InsufficientData
                ? Conditions.Set(
                    c,
                    ConditionType.DataSufficient,
                    false,
                    "InsufficientData",
                    result.DataGaps.FirstOrDefault() ?? "Not enough data",
                    now,
                    generation
                )
                : Conditions.Set(
                    c,
                    ConditionType.DataSufficient,
                    true,
                    "EnoughData",
                    $"{ReasonText.Count(result.Current.Requests)} requests in the release window",
                    now,
                    generation
                );
        c = Conditions.Set(
            c,
            ConditionType.Risky,
            decision.Verdict == Verdict.Risky,
            RiskReason(result, decision.Verdict),
            $"Risk score {result.RiskScore}/100 (risky at {plan.Policy.RiskyScore}). {Vocabulary.Explain(decision)}",
            now,
            generation
        );
        if (windows.IsFinal)
            c = Conditions.Set(
                c,
                ConditionType.Completed,
                true,
                "WindowEnded",
                $"Analysis window ended at {Rfc3339.Format(windows.CurrentEnd)}; the verdict is final",
                now,
                generation
            );

        var point = new TimelinePoint(
            windows.CurrentEnd,
            windows.CurrentEnd - plan.DeployedAt,
            decision.Verdict,
            result.Assessment,
            result.RiskScore,
            Round(result.Current.ErrorRate),
            Round(result.Current.ServerErrorRate),
            Round(result.Current.LatencyP95),
            Round(result.Current.LatencyP99),
            Round(result.Current.Throughput),
            result
                .Findings.Where(f => f.Outcome == FindingOutcome.Regressed && f.Onset is not null)
                .Select(f => f.Onset!.Value)
                .Order()
                .Select(o => (TimeSpan?)(o - plan.DeployedAt))
                .FirstOrDefault(),
            null
        );

        return previous with
        {
            Phase = windows.IsFinal ? ReleasePhase.Completed : ReleasePhase.Analyzing,
            Verdict = decision.Verdict,
            RiskScore = result.RiskScore,
            Reasons = [.. Held(decision, result) is { } held ? [held, .. result.Reasons] : result.Reasons, .. Pinned(plan)],
            Current = Values(result.Current),
            Baseline = Values(result.Baseline),
            Control = result.ControlCurrent is null ? null : new ControlWindows(Values(result.ControlCurrent), Values(result.ControlBaseline)),
            Metrics =
            [
                .. result.Findings.Select(f => new MetricJudgement(
                    f.Check,
                    f.Outcome,
                    Round(f.Current),
                    Round(f.Baseline),
                    Round(f.Expected),
                    Round(f.Ratio),
                    Round(f.PValue),
                    f.StatisticallySignificant,
                    f.PracticallySignificant,
                    f.Critical,
                    Round(f.Severity) ?? 0,
                    f.Scope,
                    f.Onset,
                    f.Outcome == FindingOutcome.NoData ? null : f.Conclusive,
                    f.Message
                )),
            ],
            Conditions = c,
            History = ReleaseHistory.Append(previous.History, point),
            ObservedGeneration = generation,
            LastAnalysis = now,
            AnalysisWindow = new TimeWindow(windows.CurrentStart, windows.CurrentEnd),
            BaselineWindow = new TimeWindow(windows.BaselineStart, windows.BaselineEnd),
            BaselineSource = plan.PinnedBaseline is null ? State.BaselineSource.PreDeploy : State.BaselineSource.LastGoodRelease,
            Sampling = result.Sampling is { } sampling ? new StepSampling(sampling.SampleInterval, sampling.Range) : previous.Sampling,
        };
    }

    /// <summary>
    /// When the anti-flapping rule keeps the verdict, the first reason says so, so the reasons never contradict the verdict silently.
    /// </summary>
    private static string? Held(VerdictDecision decision, AnalysisResult result) =>
        decision.Verdict == VerdictDecider.Proposed(result.Assessment)
            ? null
            : $"Verdict kept at {Vocabulary.Word(decision.Verdict) ?? "none"}: {Vocabulary.Explain(decision)}";

    private static IEnumerable<string> Pinned(ReleasePlan plan) => plan.PinnedBaseline is { } pin ? [pin.Reason] : [];

    private static string RiskReason(AnalysisResult r, Verdict? verdict) =>
        verdict switch
        {
            Verdict.Risky when r.Assessment == Assessment.Critical => "CriticalRegression",
            Verdict.Risky => "RiskScoreAboveThreshold",
            Verdict.Ok => "WithinBaseline",
            Verdict.InsufficientData => "InsufficientData",
            _ => "AwaitingConfirmation",
        };

    private static WindowValues Values(WindowSummary? s) =>
        s is null
            ? WindowValues.None
            : new WindowValues(
                Math.Round(s.Requests),
                Round(s.ErrorRate),
                Round(s.ServerErrorRate),
                Round(s.LatencyP50),
                Round(s.LatencyP95),
                Round(s.LatencyP99),
                Round(s.Throughput)
            );

    /// <summary>Six significant digits: enough for any threshold, short enough to keep status objects small and diffs stable.</summary>
    public static double? Round(double? v) =>
        v is not { } x || !double.IsFinite(x) ? null
        : x == 0 ? 0
        : Math.Round(x, Math.Clamp(5 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 15));
}
