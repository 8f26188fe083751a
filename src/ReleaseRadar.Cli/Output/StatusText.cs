using System.Text;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Cli.Output;

/// <summary>The plain-text rendering of a status, for terminals and CI logs.</summary>
public static class StatusText
{
    public static string Render(Release release, ReleaseStatus status)
    {
        var sb = new StringBuilder();
        // What the Release does not say is left out, not printed as "?".
        sb.Append($"Release {release.Key}");
        if (release.Spec.Version is { Length: > 0 } version)
            sb.Append($"  version {version}");
        if (release.Spec.Commit is { Length: > 0 } commit)
            sb.Append($"  commit {commit}");
        sb.Append('\n');
        sb.Append($"  phase:   {status.Phase}\n");
        sb.Append($"  verdict: {status.Verdict ?? "(none yet)"}   risk score: {(status.RiskScore is { } s ? $"{s}/100" : "–")}\n");
        if (status.AnalysisWindow is { } w)
            sb.Append($"  window:   {w.Start} → {w.End}\n");
        if (status.BaselineWindow is { } b)
            sb.Append($"  baseline: {b.Start} → {b.End}{(b.Source is null or "PreDeploy" ? "" : $"  ({b.Source})")}\n");
        if (status.Predecessor is { } before)
            sb.Append($"  previous: {Link(before)}\n");
        if (status.Successor is { } after)
            sb.Append($"  next:     {Link(after)}\n");
        if (status.Current is { } c)
        {
            var bl = status.Baseline ?? new MetricValues();
            sb.Append("\n  metric          release        baseline\n");
            Row(sb, "error rate", c.ErrorRate, bl.ErrorRate, MetricUnit.Ratio);
            Row(sb, "5xx rate", c.ServerErrorRate, bl.ServerErrorRate, MetricUnit.Ratio);
            Row(sb, "P50 latency", c.LatencyP50, bl.LatencyP50, MetricUnit.Seconds);
            Row(sb, "P95 latency", c.LatencyP95, bl.LatencyP95, MetricUnit.Seconds);
            Row(sb, "P99 latency", c.LatencyP99, bl.LatencyP99, MetricUnit.Seconds);
            Row(sb, "throughput", c.Throughput, bl.Throughput, MetricUnit.RequestsPerSecond);
        }
        if (status.Reasons is { Count: > 0 } reasons)
        {
            sb.Append("\n  reasons:\n");
            foreach (var r in reasons)
                sb.Append("   - ").Append(r).Append('\n');
        }
        foreach (var cond in status.Conditions ?? [])
            if (
                (cond.Status == "False" && cond.Type is "SpecValid" or "MetricsAvailable")
                || (cond.Status == "True" && cond.Type == nameof(ConditionType.Superseded))
            )
                sb.Append($"\n  {cond.Type}={cond.Status} ({cond.Reason}): {cond.Message}\n");
        foreach (var a in (status.Actions ?? []).Where(a => a.Action == nameof(ReleaseAction.Undo)))
            sb.Append($"\n  {a.Action} {a.Result}: {a.Message}\n");
        if (status.History is { Count: > 0 } history)
        {
            sb.Append("\n  timeline:\n");
            foreach (var h in history)
                sb.Append(
                    $"   {h.Elapsed, 8}  {h.Verdict ?? "(pending)", -20} score {h.RiskScore, 3}  errors "
                        + $"{ReasonText.Value(h.ErrorRate, MetricUnit.Ratio), 7}  P95 {ReasonText.Value(h.LatencyP95, MetricUnit.Seconds), 8}"
                        + (h.Onset is { } onset ? $"  regression began at {onset}" : "")
                        + "\n"
                );
        }
        return sb.ToString();
    }

    private static string Link(ReleaseLinkStatus l) => l.Version is null ? l.Name ?? "?" : $"{l.Name} ({l.Version}, {l.Verdict ?? "no verdict"})";

    private static void Row(StringBuilder sb, string name, double? current, double? baseline, MetricUnit unit) =>
        sb.Append($"  {name, -14}  {ReasonText.Value(current, unit), -13}  {ReasonText.Value(baseline, unit)}\n");
}
