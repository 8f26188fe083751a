using ReleaseRadar.Engine.Baselines;
using ReleaseRadar.Engine.Judges;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Engine;

/// <summary>
/// The single decision Release Radar makes: given the release's traffic, its baseline and optionally a control,
/// how risky is the release right now, and why. Pure and deterministic: the same input always yields the same result.
/// </summary>
public static class ReleaseAnalysisEngine
{
    public static AnalysisResult Analyze(AnalysisInput input, AnalysisPolicy policy)
    {
        var screens = Screen(input, policy);
        var findings = Judge(input, policy, FindingScope.Window, screens);

        // A regression that began late is diluted by the healthy minutes before it; the last few steps are judged on
        // their own too. They can only add evidence of risk: an OK always rests on the whole window.
        if (Recent(input, policy.RecentSteps) is { } recent)
        {
            var late = Judge(recent, policy, FindingScope.Recent, screens);
            for (var i = 0; i < findings.Count; i++)
            {
                var match = late.FirstOrDefault(f => f.Check == findings[i].Check);
                if (findings[i].Outcome != FindingOutcome.Regressed && match is { Outcome: FindingOutcome.Regressed, Conclusive: true })
                    findings[i] = match;
            }
        }
        for (var i = 0; i < findings.Count; i++)
            if (findings[i] is { Outcome: FindingOutcome.Regressed, Onset: null })
                findings[i] = WithOnset(findings[i], input, policy);

        foreach (var custom in policy.Custom)
        {
            var data = input.CustomOrEmpty.FirstOrDefault(d => d.Name == custom.Name);
            findings.Add(
                data is null
                    ? FindingRules.NoData(
                        custom.Name,
                        RiskScorer.CustomGroup(custom.Name),
                        MetricUnit.Value,
                        null,
                        null,
                        custom.Thresholds,
                        $"{custom.Name} not judged: no data was fetched"
                    )
                    : ScalarJudge.Judge(
                        custom.Name,
                        RiskScorer.CustomGroup(custom.Name),
                        MetricUnit.Value,
                        custom.Direction,
                        data.Current.Points,
                        data.Baseline.Points,
                        data.ControlCurrent?.Points,
                        data.ControlBaseline?.Points,
                        custom.Thresholds,
                        policy.MinSteps
                    )
            );
        }

        var dataNotes = DataNotes(input, policy, findings);
        var score = RiskScorer.Score(findings, policy);
        var regressed = findings.Where(f => f.Outcome == FindingOutcome.Regressed).ToList();

        // A critical regression skips confirmation only on conclusive evidence over the whole window: as much data as an OK
        // would need. A check that wobbles on the first few hundred requests, or in the last three steps (looked at again
        // every analysis), must be confirmed like any other risk.
        var critical = regressed.Any(f => f.Critical && f.Conclusive && f.Scope == FindingScope.Window);
        // Evidence of risk stands even where other metrics lack data; only an OK needs every weighted metric judged.
        var confirmedRisk = score >= policy.RiskyScore && regressed.Count > 0;
        var assessment =
            critical ? Assessment.Critical
            : confirmedRisk ? Assessment.Risky
            : dataNotes.Blocking.Count > 0 ? Assessment.InsufficientData
            : score >= policy.RiskyScore ? Assessment.Risky
            : Assessment.Ok;

        var reasons = new List<string>();
        // Critical findings first: they are the ones that decide the verdict on their own.
        reasons.AddRange(
            regressed
                .OrderByDescending(f => f.Critical)
                .ThenByDescending(f => f.Severity)
                .Select(f => f.Critical ? f.Message + " [critical]" : f.Message)
        );
        reasons.AddRange(dataNotes.Blocking);
        reasons.AddRange(findings.Where(f => f.Outcome == FindingOutcome.Suspicious).OrderByDescending(f => f.Severity).Select(f => f.Message));
        if (assessment == Assessment.Ok)
        {
            reasons.Insert(0, "No metric regressed beyond both the statistical and the practical threshold");
            reasons.AddRange(findings.Where(f => f.Outcome == FindingOutcome.Unchanged && f.Check != CheckNames.Throughput).Select(f => f.Message));
        }
        else if (assessment != Assessment.InsufficientData)
        {
            // Explain discounted changes too: "the error rate rose, but so did the control's" is exactly what on-call needs to read.
            reasons.AddRange(
                findings
                    .Where(f =>
                        f.Outcome == FindingOutcome.Unchanged && f.Control is not null && f.Current > f.Baseline && f.Check != CheckNames.Throughput
                    )
                    .Select(f => f.Message)
            );
        }
        reasons.AddRange(dataNotes.Informational);
        // Throughput as context, where both windows have a value: "n/a vs n/a" would say nothing the data notes do not.
        if (
            findings.First(f => f.Check == CheckNames.Throughput) is
            { Outcome: FindingOutcome.Unchanged or FindingOutcome.NoData, Current: not null, Baseline: not null } traffic
        )
            reasons.Add(input.Mode == BaselineMode.Concurrent && !input.HasControl ? traffic.Message : ThroughputContext(traffic, input.HasControl));

        return new AnalysisResult(
            assessment,
            score,
            [.. findings],
            [.. reasons.Distinct()],
            WindowStatistics.Summarize(input.Current),
            JudgedBaseline(WindowStatistics.Summarize(input.Baseline), findings, screens),
            input.ControlCurrent is null ? null : WindowStatistics.Summarize(input.ControlCurrent),
            input.ControlBaseline is null ? null : WindowStatistics.Summarize(input.ControlBaseline),
            [.. dataNotes.Blocking],
            input.Sampling
        );
    }

    private static List<MetricFinding> Judge(AnalysisInput input, AnalysisPolicy policy, FindingScope scope, ScreenedBaselines screens) =>
        [
            ScreenedJudgement.Judge(
                i => ProportionJudge.Judge(CheckNames.ErrorRate, "errors", s => s.Errors, i, policy.ErrorRate, policy, scope),
                input,
                screens.Errors,
                policy.ErrorRate
            ),
            ScreenedJudgement.Judge(
                i => ProportionJudge.Judge(CheckNames.ServerErrorRate, "serverErrors", s => s.ServerErrors, i, policy.ServerErrorRate, policy, scope),
                input,
                screens.ServerErrors,
                policy.ServerErrorRate
            ),
            ScreenedJudgement.Judge(
                i => QuantileJudge.Judge(CheckNames.LatencyP95, 0.95, i, policy.LatencyP95, policy, scope),
                input,
                screens.P95,
                policy.LatencyP95
            ),
            ScreenedJudgement.Judge(
                i => QuantileJudge.Judge(CheckNames.LatencyP99, 0.99, i, policy.LatencyP99, policy, scope),
                input,
                screens.P99,
                policy.LatencyP99
            ),
            TrafficJudge.Judge(input, policy.Traffic, policy, scope),
        ];

    /// <summary>
    /// The baseline's summary with each screened metric at the value it was judged against, so the status never shows a
    /// baseline the reasons do not speak of.
    /// </summary>
    private static WindowSummary JudgedBaseline(WindowSummary whole, List<MetricFinding> findings, ScreenedBaselines screens)
    {
        double? Judged(string check, ScreenedBaseline screen, double? value) =>
            !screen.IsClean && findings.FirstOrDefault(f => f.Check == check && f.Scope == FindingScope.Window)?.Baseline is { } b ? b : value;
        return whole with
        {
            ErrorRate = Judged(CheckNames.ErrorRate, screens.Errors, whole.ErrorRate),
            ServerErrorRate = Judged(CheckNames.ServerErrorRate, screens.ServerErrors, whole.ServerErrorRate),
            LatencyP95 = Judged(CheckNames.LatencyP95, screens.P95, whole.LatencyP95),
            LatencyP99 = Judged(CheckNames.LatencyP99, screens.P99, whole.LatencyP99),
        };
    }

    /// <summary>The screened baseline of each judged metric (see <see cref="BaselineScreen"/>).</summary>
    private sealed record ScreenedBaselines(ScreenedBaseline Errors, ScreenedBaseline ServerErrors, ScreenedBaseline P95, ScreenedBaseline P99);

    /// <summary>
    /// Screens the baseline of each metric for stretches that are not the service's usual self. Only a baseline before the
    /// deploy is screened: a concurrent baseline runs over the release's own window, and what hits it hits the release too.
    /// </summary>
    private static ScreenedBaselines Screen(AnalysisInput input, AnalysisPolicy policy)
    {
        var clean = ScreenedBaseline.Clean;
        if (input.Mode != BaselineMode.BeforeDeploy)
            return new ScreenedBaselines(clean, clean, clean, clean);
        var b = input.Baseline;
        ScreenedBaseline Ratio(Func<StepSample, double> errorsOf, Thresholds t)
        {
            var steps = b.Steps.Where(s => s.Requests > 0).ToList();
            if (steps.Count == 0)
                return clean;
            // Counting noise alone spreads the log of a ratio by about one over the root of the errors a step expects, at the
            // baseline's usual level: the pooled ratio of its steps but the highest tenth, so a stretch cannot lift it.
            var usual = steps.OrderBy(s => (errorsOf(s) + 0.5) / (s.Requests + 1)).Take(Math.Max(1, steps.Count * 9 / 10)).ToList();
            var pooled = (usual.Sum(errorsOf) + 0.5) / (usual.Sum(s => s.Requests) + 1);
            var counting = steps.Average(s => 1 / (pooled * s.Requests + 0.5));
            return BaselineScreen.Screen(
                [.. steps.Select(s => s.Time)],
                [.. steps.Select(s => Math.Log((errorsOf(s) + 0.5) / (s.Requests + 1)))],
                counting,
                set => set.Sum(i => steps[i].Requests) is > 0 and var n ? set.Sum(i => errorsOf(steps[i])) / n : null,
                t,
                b.Step,
                b.End,
                policy.DeployTimeTolerance
            );
        }
        ScreenedBaseline Latency(double q, Thresholds t)
        {
            var steps = b
                .Steps.Where(s => s.Latency is { Count: > 0 })
                .Select(s => (s.Time, s.Latency, Value: HistogramQuantile.Quantile(q, s.Latency!)))
                .Where(s => double.IsFinite(s.Value) && s.Value > 0)
                .ToList();
            if (steps.Count == 0)
                return clean;
            return BaselineScreen.Screen(
                [.. steps.Select(s => s.Time)],
                [.. steps.Select(s => Math.Log(s.Value))],
                // A quantile's log spreads about as a count of the requests above it does.
                steps.Average(s => 1 / (s.Latency!.Count * (1 - q) + 0.5)),
                set => WindowStatistics.Quantile(HistogramQuantile.Sum(set.Select(i => steps[i].Latency)), q),
                t,
                b.Step,
                b.End,
                policy.DeployTimeTolerance
            );
        }
        return new ScreenedBaselines(
            Ratio(s => s.Errors, policy.ErrorRate),
            Ratio(s => s.ServerErrors, policy.ServerErrorRate),
            Latency(0.95, policy.LatencyP95),
            Latency(0.99, policy.LatencyP99)
        );
    }

    /// <summary>The input cut to the last <paramref name="steps"/> steps, or null when the window is not much longer than that.</summary>
    private static AnalysisInput? Recent(AnalysisInput input, int steps)
    {
        if (steps <= 0 || input.Current.ExpectedSteps < 2 * steps)
            return null;
        var from = input.Current.End - input.Current.Step * steps;
        TrafficWindow Tail(TrafficWindow w) => w with { Start = from, Steps = [.. w.Steps.Where(s => s.Time > from)], ExpectedSteps = steps };
        // A same-time baseline is cut with the release: the last steps are compared with the stable pods' same steps.
        return input with
        {
            Current = Tail(input.Current),
            Baseline = input.Mode == BaselineMode.Concurrent ? Tail(input.Baseline) : input.Baseline,
            ControlCurrent = input.ControlCurrent is { } c ? Tail(c) : null,
        };
    }

    /// <summary>
    /// Adds when a regression began, where the release window shows a clear start after it opened: the split that best
    /// explains the per-step series, reported only if the steps before it were within the practical threshold.
    /// </summary>
    private static MetricFinding WithOnset(MetricFinding f, AnalysisInput input, AnalysisPolicy policy)
    {
        var steps = input.Current.Steps;
        int? split;
        bool quietBefore;
        switch (f.Check)
        {
            case CheckNames.ErrorRate or CheckNames.ServerErrorRate:
            {
                Func<StepSample, double> errorsOf = f.Check == CheckNames.ErrorRate ? s => s.Errors : s => s.ServerErrors;
                split = ChangePoint.RiseOfRatio([.. steps.Select(s => (errorsOf(s), s.Requests))]);
                var limit = FindingRules.PracticalLimit(f.Expected ?? 0, f.Check == CheckNames.ErrorRate ? policy.ErrorRate : policy.ServerErrorRate);
                quietBefore = split is { } k && steps.Take(k).Sum(s => s.Requests) is > 0 and var n && steps.Take(k).Sum(errorsOf) / n < limit;
                break;
            }
            case CheckNames.LatencyP95 or CheckNames.LatencyP99 when f.Baseline is { } reference:
            {
                var withLatency = steps.Where(s => s.Latency is { Count: > 0 }).ToList();
                split = ChangePoint.RiseOfRatio([.. withLatency.Select(s => QuantileJudge.Exceeding(reference, s.Latency!))]);
                var q = f.Check == CheckNames.LatencyP95 ? 0.95 : 0.99;
                var limit = FindingRules.PracticalLimit(
                    f.Expected ?? reference,
                    f.Check == CheckNames.LatencyP95 ? policy.LatencyP95 : policy.LatencyP99
                );
                quietBefore =
                    split is { } k
                    && HistogramQuantile.Sum(withLatency.Take(k).Select(s => s.Latency)) is { } h
                    && HistogramQuantile.Quantile(q, h) < limit;
                if (split is { } found)
                    split = steps.IndexOf(withLatency[found]);
                break;
            }
            case CheckNames.Throughput:
                split = ChangePoint.FallOfMean([.. steps.Select(s => Math.Log(s.Requests + 0.5))]);
                quietBefore = f.Scope == FindingScope.Recent;
                break;
            default:
                return f;
        }
        if (split is not { } first || first <= 0 || !quietBefore)
            return f;
        var onset = steps[first].Time - input.Current.Step;
        var when = input.DeployedAt is { } deployed ? $"{ReasonText.Duration(onset - deployed)} after the deploy" : $"at {onset:HH:mm:ss}Z";
        return f with { Onset = onset, Message = f.Message + $"; began {when}" };
    }

    private sealed record Notes(List<string> Blocking, List<string> Informational);

    /// <summary>Why the data is not enough to call the release OK, and which odd values were met on the way.</summary>
    private static Notes DataNotes(AnalysisInput input, AnalysisPolicy policy, List<MetricFinding> findings)
    {
        var blocking = new List<string>();
        var info = new List<string>();
        foreach (var (label, w) in Windows(input))
        {
            var requests = WindowStatistics.Requests(w);
            if (w.Steps.Length == 0)
            {
                // Series that matched but held only NaN, ±Inf or negative samples are a broken exporter or recording
                // rule, not a wrong selector; say which.
                blocking.Add(
                    w.InvalidValues > 0
                        ? $"Every sample in the {label} window ({w.Start:u} – {w.End:u}) was invalid ({ReasonText.Count(w.InvalidValues)} "
                            + $"NaN, ±Inf or "
                            + "negative values); the series exist but hold no usable rates: check the exporter or the recording rule behind them"
                        : $"No requests matched in the {label} window ({w.Start:u} – {w.End:u}); check the selector and metric names"
                );
                continue;
            }
            var isTested = label is "release" or "baseline";
            if (isTested && requests < policy.MinRequests)
                blocking.Add($"Only {ReasonText.Count(requests)} requests in the {label} window (minimum {ReasonText.Count(policy.MinRequests)})");
            var coverage = WindowStatistics.Coverage(w);
            if (isTested && coverage < policy.MinCoverage)
                blocking.Add(
                    $"Prometheus returned traffic for {w.Steps.Count(s => s.Requests > 0)} of {w.ExpectedSteps} steps in the {label} window "
                        + $"({ReasonText.Percent(coverage)}, minimum {ReasonText.Percent(policy.MinCoverage)})"
                );
            else if (coverage < 1 && w.ExpectedSteps > 0)
                info.Add($"The {label} window has gaps: traffic in {w.Steps.Count(s => s.Requests > 0)} of {w.ExpectedSteps} steps");
            if (w.InvalidValues > 0)
                info.Add($"Ignored {w.InvalidValues} NaN, infinite or negative value(s) from Prometheus in the {label} window");
        }
        foreach (var c in input.CustomOrEmpty)
        {
            var invalid = c.Current.InvalidValues + c.Baseline.InvalidValues;
            if (invalid > 0)
                info.Add($"Ignored {invalid} NaN, infinite or negative value(s) of {c.Name}");
        }

        if (blocking.Count == 0)
        {
            // A component that carries weight but could not be judged leaves the verdict unproven: never OK by default.
            var latencyWeighted = policy.Weights.Latency > 0;
            var latency = findings.Where(f => f.Group == "latency").ToList();
            if (latencyWeighted && latency.Count > 0 && latency.All(f => f.Outcome == FindingOutcome.NoData))
                blocking.Add(latency[0].Message.Replace("P95 latency", "Latency", StringComparison.Ordinal));
            foreach (var f in findings.Where(f => f.Outcome == FindingOutcome.NoData && f.Group is "errors" or "serverErrors"))
                blocking.Add(f.Message);
            foreach (var custom in policy.Custom.Where(c => c.Weight > 0 && !c.Optional))
                if (findings.FirstOrDefault(f => f.Check == custom.Name) is { Outcome: FindingOutcome.NoData } f)
                    blocking.Add(f.Message);
            // A metric standing beyond the practical threshold is no ground for an OK, even where the test cannot yet tell
            // it from chance or from the service's own bursts: it is a regression not yet proven, not its absence.
            foreach (
                var f in findings.Where(f => f is { BeyondThreshold: true, Scope: FindingScope.Window } && f.Outcome != FindingOutcome.Regressed)
            )
                if (Weighted(f, policy))
                    blocking.Add(
                        $"{ReasonText.DisplayName(f.Check)} is beyond the practical threshold "
                            + $"({ReasonText.Value(f.Baseline, f.Unit)} → {ReasonText.Value(f.Current, f.Unit)}) but not yet beyond chance: "
                            + "not OK until it is one or the other"
                    );
        }
        return new Notes(blocking, info);
    }

    /// <summary>Whether a finding's group carries weight in the score (the traffic context without a control does not).</summary>
    private static bool Weighted(MetricFinding f, AnalysisPolicy policy) => RiskScorer.Weights(policy).Any(w => w.Group == f.Group && w.Weight > 0);

    private static IEnumerable<(string Label, TrafficWindow Window)> Windows(AnalysisInput input)
    {
        yield return ("release", input.Current);
        yield return ("baseline", input.Baseline);
        if (input.ControlCurrent is { } cc)
            yield return ("control (release period)", cc);
        if (input.ControlBaseline is { } cb)
            yield return ("control (baseline period)", cb);
    }

    private static string ThroughputContext(MetricFinding t, bool hasControl)
    {
        var text =
            $"Throughput {ReasonText.Value(t.Current, MetricUnit.RequestsPerSecond)} vs "
            + $"{ReasonText.Value(t.Baseline, MetricUnit.RequestsPerSecond)} baseline ({ReasonText.Change(t.Current, t.Baseline)})";
        if (t.Control is { } c)
            return text + $"; control {ReasonText.Change(c.Current, c.Baseline)} over the same period";
        return text + (hasControl ? "" : "; load changes are judged on ratios and latency, not on counts");
    }
}
