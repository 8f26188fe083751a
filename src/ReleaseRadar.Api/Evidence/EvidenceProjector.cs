using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Api.Evidence;

/// <summary>Projects Releases into evidence documents. Pure; ordering and number formatting are fixed so output is deterministic.</summary>
public static class EvidenceProjector
{
    /// <summary>snake_case, indented, nulls kept so every report has the same keys.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = ReleaseJsonContext.Default,
    };

    public static string Classification(Release r) => StatusWire.Classification(r.Status);

    public static EvidenceReport Report(Release r, string timestamp, EvidenceContext? context = null)
    {
        context ??= EvidenceContext.Bare;
        var s = r.Status;
        var state = StatusWire.ToState(s);
        var deployedAt =
            s?.DeployedAt
            ?? r.Spec.DeployedAt
            ?? (r.Metadata.CreationTimestamp is { } c ? Rfc3339.Format(new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc))) : null);
        return new EvidenceReport(
            timestamp,
            r.Spec.Version ?? r.Metadata.Name,
            r.Spec.Commit,
            r.Metadata.Name,
            r.Metadata.NamespaceProperty ?? "default",
            r.Spec.Target?.Name is { } t ? $"{r.Spec.Target.Kind ?? "Deployment"}/{t}" : null,
            deployedAt,
            s?.Phase,
            Metrics(s?.Current),
            Metrics(s?.Baseline),
            s?.RiskScore,
            Classification(r),
            s?.Reasons ?? [],
            r.Spec.Version,
            new EvidenceWindows(Window(s?.AnalysisWindow), Window(s?.BaselineWindow), s?.BaselineWindow?.Source, s?.WindowEnd),
            s?.Control is { } control ? new EvidenceControl(Metrics(control.Current), Metrics(control.Baseline)) : null,
            Analysis(r, state, context),
            Rollback(state, Rfc3339.TryParse(deployedAt, out var deployed) ? deployed : null),
            context.ToolVersion
        );
    }

    public static IReadOnlyList<EvidenceReport> Reports(IEnumerable<Release> releases, string timestamp, EvidenceContext? context = null) =>
        Order(releases).Select(r => Report(r, timestamp, context)).ToList();

    public static Timeline Timeline(IEnumerable<Release> releases, string generatedAt) =>
        new(
            generatedAt,
            Order(releases)
                .Select(r =>
                {
                    var report = Report(r, generatedAt);
                    return new TimelineRelease(
                        report.Name,
                        report.Namespace,
                        report.Release,
                        report.Commit,
                        report.Target,
                        report.DeployedAt,
                        report.Classification,
                        report.RiskScore,
                        (r.Status?.History ?? [])
                            .Select(h => new TimelineEntry(
                                h.Time,
                                h.Elapsed,
                                h.Verdict,
                                h.RiskScore,
                                h.ErrorRate,
                                Ms(h.LatencyP95),
                                h.Throughput,
                                h.Onset
                            ))
                            .ToList()
                    );
                })
                .ToList()
        );

    /// <summary>
    /// A Markdown summary for humans: one table row per release, then every release's reasons, OK ones included (an OK
    /// whose error rate rose and the control explained is the one an auditor asks about), and what was done to its target.
    /// </summary>
    public static string Markdown(IEnumerable<Release> releases, string generatedAt, EvidenceContext? context = null)
    {
        var reports = Order(releases).Select(r => Report(r, generatedAt, context)).ToList();
        var sb = new System.Text.StringBuilder();
        sb.Append("# Release Radar evidence\n\nGenerated ").Append(generatedAt);
        if (context is not null)
            sb.Append(" by releaseradar ").Append(context.ToolVersion);
        sb.Append(".\n\n");
        sb.Append("| Release | Version | Deployed | Verdict | Score | Error rate | P95 | Throughput | Rollback |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in reports)
        {
            sb.Append(
                    $"| {r.Namespace}/{r.Name} | {r.Version ?? "–"} | {r.DeployedAt} | {r.Classification} | "
                        + $"{r.RiskScore?.ToString(CultureInfo.InvariantCulture) ?? "–"} | "
                )
                .Append($"{Pct(r.Metrics.ErrorRate)} (baseline {Pct(r.Baseline.ErrorRate)}) | ")
                .Append($"{Num(r.Metrics.LatencyP95, " ms")} (baseline {Num(r.Baseline.LatencyP95, " ms")}) | ")
                .Append($"{Num(r.Metrics.Throughput, " req/s")} | {r.Rollback} |\n");
        }
        foreach (var r in reports)
        {
            sb.Append($"\n## {r.Namespace}/{r.Name}{(r.Version is { } v ? $" ({v})" : "")}: {r.Classification}\n\n");
            if (r.Windows.Release is { } w)
                sb.Append($"Judged on {w.Start} → {w.End}");
            if (r.Windows.Baseline is { } b)
                sb.Append($" against the baseline {b.Start} → {b.End}");
            if (r.Windows.Release is not null)
                sb.Append(".\n\n");
            foreach (var reason in r.Reasons)
                sb.Append("- ").Append(reason).Append('\n');
            if (r.Reasons.Count == 0)
                sb.Append("- (no reasons recorded yet)\n");
            sb.Append($"- Rollback: {r.Rollback}\n");
        }
        sb.Append('\n').Append(Legend).Append('\n');
        return sb.ToString();
    }

    /// <summary>The verdict words are the user's own (Spanish); the summary says what each means for every other reader.</summary>
    private static string Legend => "Verdicts: " + string.Join("; ", Vocabulary.Words.Select(v => $"{v.Word} = {v.Meaning}")) + ".";

    /// <summary>
    /// Exactly what was done to the target: rolled back (when, to which revision), refused or failed (why), annotated
    /// (when), or none. Times are after the deploy, as the timeline counts them.
    /// </summary>
    public static string Rollback(ReleaseState state, DateTimeOffset? deployedAt)
    {
        string When(ActionTaken a) =>
            a.At is { } at && deployedAt is { } d ? $" at {After(at - d)}"
            : a.At is { } t ? $" at {Rfc3339.Format(t)}"
            : "";
        var undo = state.Actions.LastOrDefault(a => a.Action == ReleaseAction.Undo);
        if (undo is not null)
            return undo.Result switch
            {
                ActionResult.Succeeded => $"rolled back{When(undo)}"
                    + (undo.ToRevision is { } to ? $" to revision {to}" : " to the previous revision"),
                ActionResult.Skipped => $"rollback refused{When(undo)}: {undo.Message}",
                _ => $"rollback failed{When(undo)}: {undo.Message}",
            };
        var annotated = state.Actions.LastOrDefault(a => a.Action == ReleaseAction.Annotate && a.Result == ActionResult.Succeeded);
        return annotated is not null ? $"none; annotated{When(annotated)}" : "none";
    }

    /// <summary>"+120 s" for the first ten minutes, where seconds matter; "+1h5m" after.</summary>
    private static string After(TimeSpan d) =>
        d < TimeSpan.Zero ? $"-{After(-d)[1..]}"
        : d < TimeSpan.FromMinutes(10) ? $"+{d.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s"
        : "+" + ReasonText.Duration(d);

    private static EvidenceAnalysis? Analysis(Release r, ReleaseState state, EvidenceContext context)
    {
        if (ReleasePlanner.Plan(r.Subject, context.Defaults).Plan is not { } plan)
            return null;
        var p = plan.Policy;
        return new EvidenceAnalysis(
            plan.Selector,
            plan.BaselineSelector,
            plan.ControlSelector,
            context.Queries?.Invoke(plan, state.Sampling),
            GoDuration.Format(plan.Window),
            GoDuration.Format(plan.Interval),
            GoDuration.Format(plan.Step),
            GoDuration.Format(plan.Warmup),
            p.RiskyScore,
            new SortedDictionary<string, EvidenceThreshold>(StringComparer.Ordinal)
            {
                ["error_rate"] = Threshold(p.ErrorRate, 1),
                ["server_error_rate"] = Threshold(p.ServerErrorRate, 1),
                ["latency_p95"] = Threshold(p.LatencyP95, 1000),
                ["latency_p99"] = Threshold(p.LatencyP99, 1000),
                ["throughput"] = Threshold(p.Traffic, 1),
            }
        );
    }

    /// <summary>A threshold with its increase in the unit the report uses for that metric (ms for latencies).</summary>
    private static EvidenceThreshold Threshold(Thresholds t, double scale) => new(t.MinRatio, t.MinIncrease * scale, t.Alpha, t.Critical);

    private static EvidenceWindow? Window(TimeRange? range) => range is null ? null : new EvidenceWindow(range.Start, range.End);

    private static IEnumerable<Release> Order(IEnumerable<Release> releases) =>
        releases
            .OrderBy(r => r.Spec.DeployedAt ?? "", StringComparer.Ordinal)
            .ThenBy(r => r.Metadata.NamespaceProperty ?? "default", StringComparer.Ordinal)
            .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal);

    private static EvidenceMetrics Metrics(MetricValues? v) =>
        new(
            v?.Requests,
            v?.ErrorRate,
            v?.ServerErrorRate,
            Ms(v?.LatencyP50),
            Ms(v?.LatencyP95),
            Ms(v?.LatencyP99),
            v?.Throughput is { } t ? Math.Round(t, 2) : null
        );

    private static double? Ms(double? seconds) => seconds is { } s ? Math.Round(s * 1000, 1) : null;

    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%" : "–";

    private static string Num(double? v, string unit) =>
        v is { } x ? x.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + unit : "–";
}
