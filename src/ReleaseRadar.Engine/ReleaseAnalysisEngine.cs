using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>
/// The single decision Release Radar makes: given the release's traffic, its baseline and optionally a control,
/// how risky is the release right now, and why. Pure and deterministic: the same input always yields the same result.
/// </summary>
public static class ReleaseAnalysisEngine
{
    public static AnalysisResult Analyze(AnalysisInput input, AnalysisPolicy policy)
    {
        var findings = new List<MetricFinding>
        {
            MetricJudge.Proportion(CheckNames.ErrorRate, "errors", s => s.Errors, input, policy.ErrorRate, policy.MinRequests, policy.Power),
            MetricJudge.Proportion(CheckNames.ServerErrorRate, "serverErrors", s => s.ServerErrors, input, policy.ServerErrorRate, policy.MinRequests, policy.Power),
            MetricJudge.Quantile(CheckNames.LatencyP95, 0.95, input, policy.LatencyP95, policy.MinSteps),
            MetricJudge.Quantile(CheckNames.LatencyP99, 0.99, input, policy.LatencyP99, policy.MinSteps),
        };

        foreach (var custom in policy.Custom)
        {
            var data = input.CustomOrEmpty.FirstOrDefault(d => d.Name == custom.Name);
            findings.Add(data is null
                ? new MetricFinding(custom.Name, RiskScorer.CustomGroup(custom.Name), MetricUnit.Value, FindingOutcome.NoData,
                    null, null, null, null, null, null, false, false, custom.Thresholds.Critical, 0, null, $"{custom.Name} not judged: no data was fetched")
                : MetricJudge.Scalar(custom.Name, RiskScorer.CustomGroup(custom.Name), MetricUnit.Value, custom.Direction,
                    data.Current.Points, data.Baseline.Points, data.ControlCurrent?.Points, data.ControlBaseline?.Points,
                    custom.Thresholds, policy.MinSteps));
        }

        // Throughput is context, not a verdict: a release does not choose its load. It is still tested, so a drop that the
        // control does not share (clients giving up, a broken route) is visible in the reasons.
        var throughput = MetricJudge.Scalar(CheckNames.Throughput, "context", MetricUnit.RequestsPerSecond, Direction.DecreaseIsBad,
            WindowStatistics.StepThroughput(input.Current), WindowStatistics.StepThroughput(input.Baseline),
            input.HasControl ? WindowStatistics.StepThroughput(input.ControlCurrent!) : null,
            input.HasControl ? WindowStatistics.StepThroughput(input.ControlBaseline!) : null,
            new Thresholds(2.0, 0, 0.01, false), policy.MinSteps);

        var dataNotes = DataNotes(input, policy, findings);
        var score = RiskScorer.Score(findings, policy);
        var critical = findings.Where(f => f.Outcome == FindingOutcome.Regressed && f.Critical).ToList();

        // Evidence of risk stands even where other metrics lack data; only an OK needs every weighted metric judged.
        var confirmedRisk = score >= policy.RiskyScore && findings.Any(f => f.Outcome == FindingOutcome.Regressed);
        var assessment = critical.Count > 0 ? Assessment.Critical
            : confirmedRisk ? Assessment.Risky
            : dataNotes.Blocking.Count > 0 ? Assessment.InsufficientData
            : score >= policy.RiskyScore ? Assessment.Risky
            : Assessment.Ok;

        var reasons = new List<string>();
        reasons.AddRange(findings.Where(f => f.Outcome == FindingOutcome.Regressed).OrderByDescending(f => f.Severity)
            .Select(f => f.Critical ? f.Message + " [critical]" : f.Message));
        reasons.AddRange(dataNotes.Blocking);
        reasons.AddRange(findings.Where(f => f.Outcome == FindingOutcome.Suspicious).OrderByDescending(f => f.Severity).Select(f => f.Message));
        if (assessment == Assessment.Ok)
        {
            reasons.Insert(0, "No metric regressed beyond both the statistical and the practical threshold");
            reasons.AddRange(findings.Where(f => f.Outcome == FindingOutcome.Unchanged).Select(f => f.Message));
        }
        else if (assessment != Assessment.InsufficientData)
        {
            // Explain discounted changes too: "the error rate rose, but so did the control's" is exactly what on-call needs to read.
            reasons.AddRange(findings.Where(f => f.Outcome == FindingOutcome.Unchanged && f.Control is not null && f.Current > f.Baseline).Select(f => f.Message));
        }
        reasons.AddRange(dataNotes.Informational);
        reasons.Add(ThroughputContext(throughput, input.HasControl));

        findings.Add(throughput);
        return new AnalysisResult(
            assessment, score, [.. findings], [.. reasons.Distinct()],
            WindowStatistics.Summarize(input.Current), WindowStatistics.Summarize(input.Baseline),
            input.ControlCurrent is null ? null : WindowStatistics.Summarize(input.ControlCurrent),
            input.ControlBaseline is null ? null : WindowStatistics.Summarize(input.ControlBaseline),
            [.. dataNotes.Blocking]);
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
                blocking.Add($"No requests matched in the {label} window ({w.Start:u} – {w.End:u}); check the selector and metric names");
                continue;
            }
            var isTested = label is "release" or "baseline";
            if (isTested && requests < policy.MinRequests)
                blocking.Add($"Only {ReasonText.Count(requests)} requests in the {label} window (minimum {ReasonText.Count(policy.MinRequests)})");
            var coverage = WindowStatistics.Coverage(w);
            if (isTested && coverage < policy.MinCoverage)
                blocking.Add($"Prometheus returned traffic for {w.Steps.Count(s => s.Requests > 0)} of {w.ExpectedSteps} steps in the {label} window " +
                             $"({ReasonText.Percent(coverage)}, minimum {ReasonText.Percent(policy.MinCoverage)})");
            else if (coverage < 1 && w.ExpectedSteps > 0)
                info.Add($"The {label} window has gaps: traffic in {w.Steps.Count(s => s.Requests > 0)} of {w.ExpectedSteps} steps");
            if (w.InvalidValues > 0)
                info.Add($"Ignored {w.InvalidValues} NaN, infinite or negative value(s) from Prometheus in the {label} window");
        }
        foreach (var c in input.CustomOrEmpty)
        {
            var invalid = c.Current.InvalidValues + c.Baseline.InvalidValues;
            if (invalid > 0) info.Add($"Ignored {invalid} NaN, infinite or negative value(s) of {c.Name}");
        }

        if (blocking.Count == 0)
        {
            // A component that carries weight but could not be judged leaves the verdict unproven: never OK by default.
            var latencyWeighted = policy.Weights.Latency > 0;
            var latency = findings.Where(f => f.Group == "latency").ToList();
            if (latencyWeighted && latency.Count > 0 && latency.All(f => f.Outcome == FindingOutcome.NoData))
                blocking.Add(latency[0].Message.Replace("P95 latency", "Latency"));
            foreach (var f in findings.Where(f => f.Outcome == FindingOutcome.NoData && f.Group is "errors" or "serverErrors"))
                blocking.Add(f.Message);
            foreach (var custom in policy.Custom.Where(c => c.Weight > 0 && !c.Optional))
                if (findings.FirstOrDefault(f => f.Check == custom.Name) is { Outcome: FindingOutcome.NoData } f)
                    blocking.Add(f.Message);
        }
        return new Notes(blocking, info);
    }

    private static IEnumerable<(string Label, TrafficWindow Window)> Windows(AnalysisInput input)
    {
        yield return ("release", input.Current);
        yield return ("baseline", input.Baseline);
        if (input.ControlCurrent is { } cc) yield return ("control (release period)", cc);
        if (input.ControlBaseline is { } cb) yield return ("control (baseline period)", cb);
    }

    private static string ThroughputContext(MetricFinding t, bool hasControl)
    {
        var text = $"Throughput {ReasonText.Value(t.Current, MetricUnit.RequestsPerSecond)} vs {ReasonText.Value(t.Baseline, MetricUnit.RequestsPerSecond)} baseline ({ReasonText.Change(t.Current, t.Baseline)})";
        if (t.Control is { } c)
            return text + $"; control {ReasonText.Change(c.Current, c.Baseline)} over the same period" +
                   (t.Outcome == FindingOutcome.Regressed ? ": the release lost traffic the control kept" : "");
        return text + (hasControl ? "" : "; load changes are judged on ratios and latency, not on counts");
    }
}
