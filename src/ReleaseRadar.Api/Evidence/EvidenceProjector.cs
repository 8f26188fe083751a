using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api.Manifests;

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

    public static EvidenceReport Report(Release r, string timestamp)
    {
        var s = r.Status;
        return new EvidenceReport(
            timestamp,
            r.Spec.Version ?? r.Metadata.Name,
            r.Spec.Commit,
            r.Metadata.Name,
            r.Metadata.NamespaceProperty ?? "default",
            r.Spec.Target?.Name is { } t ? $"{r.Spec.Target.Kind ?? "Deployment"}/{t}" : null,
            r.Spec.DeployedAt
                ?? (
                    r.Metadata.CreationTimestamp is { } c
                        ? ReleaseRadar.Analysis.Planning.Rfc3339.Format(new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)))
                        : null
                ),
            s?.Phase,
            Metrics(s?.Current),
            Metrics(s?.Baseline),
            s?.RiskScore,
            Classification(r),
            s?.Reasons ?? []
        );
    }

    public static IReadOnlyList<EvidenceReport> Reports(IEnumerable<Release> releases, string timestamp) =>
        Order(releases).Select(r => Report(r, timestamp)).ToList();

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

    /// <summary>A Markdown summary for humans: one table row per release, then the reasons of every risky one.</summary>
    public static string Markdown(IEnumerable<Release> releases, string generatedAt)
    {
        var ordered = Order(releases).ToList();
        var sb = new System.Text.StringBuilder();
        sb.Append("# Release Radar evidence\n\nGenerated ").Append(generatedAt).Append(".\n\n");
        sb.Append("| Release | Version | Deployed | Verdict | Score | Error rate | P95 | Throughput | Rollback |\n");
        sb.Append("|---|---|---|---|---|---|---|---|---|\n");
        foreach (var release in ordered)
        {
            var r = Report(release, generatedAt);
            sb.Append(
                    $"| {r.Namespace}/{r.Name} | {r.Release} | {r.DeployedAt} | {r.Classification} | "
                        + $"{r.RiskScore?.ToString(CultureInfo.InvariantCulture) ?? "–"} | "
                )
                .Append($"{Pct(r.Metrics.ErrorRate)} (baseline {Pct(r.Baseline.ErrorRate)}) | ")
                .Append($"{Num(r.Metrics.LatencyP95, " ms")} (baseline {Num(r.Baseline.LatencyP95, " ms")}) | ")
                .Append($"{Num(r.Metrics.Throughput, " req/s")} | {Rollback(release)} |\n");
        }
        foreach (var release in ordered.Where(x => x.Status.IsRisky))
        {
            var r = Report(release, generatedAt);
            sb.Append($"\n## {r.Namespace}/{r.Name} ({r.Release}): {r.Classification}\n\n");
            foreach (var reason in r.Reasons)
                sb.Append("- ").Append(reason).Append('\n');
            foreach (var action in (release.Status?.Actions ?? []).Where(a => a.Kind == ReleaseAction.Undo))
                sb.Append($"- Rollback ({action.Result}, {action.Time}): {action.Message}\n");
        }
        sb.Append('\n').Append(Legend).Append('\n');
        return sb.ToString();
    }

    /// <summary>The verdict words are the user's own (Spanish); the summary says what each means for every other reader.</summary>
    private static string Legend => "Verdicts: " + string.Join("; ", Vocabulary.Words.Select(v => $"{v.Word} = {v.Meaning}")) + ".";

    /// <summary>What spec.rollback did to the target: the last Undo if any, else whether rollback was asked for at all.</summary>
    private static string Rollback(Release r)
    {
        var undo = (r.Status?.Actions ?? []).LastOrDefault(a => a.Kind == ReleaseAction.Undo);
        if (undo is not null)
            return undo.Outcome == ActionResult.Succeeded ? "rolled back" : $"undo {undo.Result?.ToLowerInvariant()}";
        return r.Spec.Rollback is null or "None" ? "–"
            : r.Status.IsRisky ? "not yet"
            : "armed (" + r.Spec.Rollback + ")";
    }

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
