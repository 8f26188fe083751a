using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Core.Status;

/// <summary>
/// Builds the status to write from the previous status and what just happened. Pure: the operator and the CLI call it
/// with the same inputs and get the same status. Nothing already recorded (history, verdict) is dropped by a failure path.
/// </summary>
public static class StatusProjector
{
    public static ReleaseStatus Invalid(ReleaseStatus? previous, IReadOnlyList<string> errors, DateTimeOffset now, long? generation)
    {
        var stamp = Rfc3339.Format(now);
        return (previous ?? new ReleaseStatus()) with
        {
            Phase = StatusWire.Word(ReleasePhase.Invalid),
            ObservedGeneration = generation,
            Conditions = Conditions.Set(
                previous?.Conditions,
                Conditions.SpecValid,
                false,
                "InvalidSpec",
                string.Join("; ", errors),
                stamp,
                generation
            ),
        };
    }

    public static ReleaseStatus Waiting(ReleaseStatus? previous, ReleasePlan plan, AnalysisWindows windows, DateTimeOffset now, long? generation)
    {
        var stamp = Rfc3339.Format(now);
        var message =
            windows.Phase == ReleasePhase.Pending
                ? $"Deployed at {Rfc3339.Format(plan.DeployedAt)}, which is in the future"
                : $"Warming up until {Rfc3339.Format(windows.CurrentStart + plan.Interval)}; the first {GoDuration.Format(plan.Warmup)} "
                    + $"after the deploy are ignored";
        var conditions = Conditions.Set(previous?.Conditions, Conditions.SpecValid, true, "Valid", "The spec is valid", stamp, generation);
        return (previous ?? new ReleaseStatus()) with
        {
            Phase = StatusWire.Word(windows.Phase),
            ObservedGeneration = generation,
            // Until a verdict exists the reason is where the release stands now (not a stale "in the future").
            Reasons = previous?.Verdict is null ? [message] : previous.Reasons,
            Conditions = conditions,
            AnalysisWindow = Range(windows.CurrentStart, AnalysisSchedule.Grid(plan).WindowEnd),
        };
    }

    /// <summary>The metric source failed: say so, keep every recorded value, and leave the verdict as it was.</summary>
    public static ReleaseStatus SourceFailed(ReleaseStatus? previous, string reason, string message, DateTimeOffset now, long? generation)
    {
        var stamp = Rfc3339.Format(now);
        var conditions = Conditions.Set(previous?.Conditions, Conditions.SpecValid, true, "Valid", "The spec is valid", stamp, generation);
        conditions = Conditions.Set(conditions, Conditions.MetricsAvailable, false, reason, message, stamp, generation);
        return (previous ?? new ReleaseStatus()) with
        {
            Phase = previous.PhaseValue is null or ReleasePhase.Pending or ReleasePhase.WarmingUp or ReleasePhase.Invalid
                ? StatusWire.Word(ReleasePhase.Analyzing)
                : previous!.Phase,
            ObservedGeneration = generation,
            Conditions = conditions,
        };
    }

    public static ReleaseStatus Analyzed(
        ReleaseStatus? previous,
        ReleasePlan plan,
        AnalysisWindows windows,
        AnalysisResult result,
        VerdictDecision decision,
        DateTimeOffset now,
        long? generation
    )
    {
        var stamp = Rfc3339.Format(now);
        var verdict = StatusWire.Word(decision.Verdict);
        var c = Conditions.Set(previous?.Conditions, Conditions.SpecValid, true, "Valid", "The spec is valid", stamp, generation);
        c = Conditions.Set(c, Conditions.MetricsAvailable, true, "QueriesSucceeded", "Prometheus answered every query", stamp, generation);
        c =
            result.Assessment == Assessment.InsufficientData
                ? Conditions.Set(
                    c,
                    Conditions.DataSufficient,
                    false,
                    "InsufficientData",
                    result.DataGaps.FirstOrDefault() ?? "Not enough data",
                    stamp,
                    generation
                )
                : Conditions.Set(
                    c,
                    Conditions.DataSufficient,
                    true,
                    "EnoughData",
                    $"{ReasonText.Count(result.Current.Requests)} requests in the release window",
                    stamp,
                    generation
                );
        c = Conditions.Set(
            c,
            Conditions.Risky,
            decision.Verdict == Verdict.Riesgoso,
            RiskReason(result, decision.Verdict),
            $"Risk score {result.RiskScore}/100 (risky at {plan.Policy.RiskyScore}). {StatusWire.Explain(decision)}",
            stamp,
            generation
        );
        if (windows.IsFinal)
            c = Conditions.Set(
                c,
                Conditions.Completed,
                true,
                "WindowEnded",
                $"Analysis window ended at {Rfc3339.Format(windows.CurrentEnd)}; the verdict is final",
                stamp,
                generation
            );

        var entry = new HistoryEntry
        {
            Time = Rfc3339.Format(windows.CurrentEnd),
            Elapsed = GoDuration.Format(windows.CurrentEnd - plan.DeployedAt),
            Verdict = verdict,
            Assessment = StatusWire.Word(result.Assessment),
            RiskScore = result.RiskScore,
            ErrorRate = Round(result.Current.ErrorRate),
            ServerErrorRate = Round(result.Current.ServerErrorRate),
            LatencyP95 = Round(result.Current.LatencyP95),
            LatencyP99 = Round(result.Current.LatencyP99),
            Throughput = Round(result.Current.Throughput),
            Onset = result
                .Findings.Where(f => f.Outcome == FindingOutcome.Regressed && f.Onset is not null)
                .Select(f => f.Onset!.Value)
                .Order()
                .Select(o => GoDuration.Format(o - plan.DeployedAt))
                .FirstOrDefault(),
        };

        return (previous ?? new ReleaseStatus()) with
        {
            Phase = StatusWire.Word(windows.IsFinal ? ReleasePhase.Completed : ReleasePhase.Analyzing),
            Verdict = verdict,
            RiskScore = result.RiskScore,
            Reasons = Held(decision, result) is { } held ? [held, .. result.Reasons] : [.. result.Reasons],
            Current = Values(result.Current),
            Baseline = Values(result.Baseline),
            Control = result.ControlCurrent is null
                ? null
                : new ControlValues { Current = Values(result.ControlCurrent), Baseline = Values(result.ControlBaseline) },
            Metrics =
            [
                .. result.Findings.Select(f => new MetricStatus
                {
                    Name = f.Check,
                    Outcome = f.Outcome.ToString(),
                    Current = Round(f.Current),
                    Baseline = Round(f.Baseline),
                    Expected = Round(f.Expected),
                    Ratio = Round(f.Ratio),
                    PValue = Round(f.PValue),
                    StatisticallySignificant = f.StatisticallySignificant,
                    PracticallySignificant = f.PracticallySignificant,
                    Critical = f.Critical,
                    Severity = Round(f.Severity),
                    Scope = f.Scope == FindingScope.Recent ? "recent" : "window",
                    Onset = f.Onset is { } o ? Rfc3339.Format(o) : null,
                    Conclusive = f.Outcome == FindingOutcome.NoData ? null : f.Conclusive,
                    Message = f.Message,
                }),
            ],
            Conditions = c,
            History = ReleaseHistory.Append(previous?.History, entry),
            ObservedGeneration = generation,
            LastAnalysisTime = stamp,
            AnalysisWindow = Range(windows.CurrentStart, windows.CurrentEnd),
            BaselineWindow = Range(windows.BaselineStart, windows.BaselineEnd),
            Sampling = result.Sampling is { } sampling
                ? new SampleSpacing
                {
                    ScrapeInterval = sampling.SampleInterval is { } interval ? GoDuration.Format(interval) : null,
                    QueryRange = GoDuration.Format(sampling.Range),
                }
                : previous?.Sampling,
        };
    }

    /// <summary>
    /// When the anti-flapping rule keeps the verdict, the first reason says so, so the reasons never contradict the verdict silently.
    /// </summary>
    private static string? Held(VerdictDecision decision, AnalysisResult result) =>
        decision.Verdict == VerdictDecider.Proposed(result.Assessment)
            ? null
            : $"Verdict kept at {StatusWire.Word(decision.Verdict) ?? "none"}: {StatusWire.Explain(decision)}";

    /// <summary>The raw assessments recorded in history entries, oldest first (entries without one are skipped).</summary>
    public static IReadOnlyList<Assessment> Assessments(IEnumerable<HistoryEntry> history) =>
        history.Select(h => h.AssessmentValue).OfType<Assessment>().ToList();

    private static string RiskReason(AnalysisResult r, Verdict? verdict) =>
        verdict switch
        {
            Verdict.Riesgoso when r.Assessment == Assessment.Critical => "CriticalRegression",
            Verdict.Riesgoso => "RiskScoreAboveThreshold",
            Verdict.Ok => "WithinBaseline",
            Verdict.InsufficientData => "InsufficientData",
            _ => "AwaitingConfirmation",
        };

    private static MetricValues Values(WindowSummary? s) =>
        s is null
            ? new MetricValues()
            : new MetricValues
            {
                Requests = Math.Round(s.Requests),
                ErrorRate = Round(s.ErrorRate),
                ServerErrorRate = Round(s.ServerErrorRate),
                LatencyP50 = Round(s.LatencyP50),
                LatencyP95 = Round(s.LatencyP95),
                LatencyP99 = Round(s.LatencyP99),
                Throughput = Round(s.Throughput),
            };

    /// <summary>Six significant digits: enough for any threshold, short enough to keep status objects small and diffs stable.</summary>
    internal static double? Round(double? v) =>
        v is not { } x || !double.IsFinite(x) ? null
        : x == 0 ? 0
        : Math.Round(x, Math.Clamp(5 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 15));

    private static TimeRange Range(DateTimeOffset start, DateTimeOffset end) => new() { Start = Rfc3339.Format(start), End = Rfc3339.Format(end) };
}
