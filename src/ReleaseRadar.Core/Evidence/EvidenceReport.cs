using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Core.Evidence;

/// <summary>
/// The seed's evidence format (timestamp, release, commit, metrics, baseline, risk_score, classification, reasons),
/// extended with the fields an auditor needs to find the release again. Schema: docs/schemas/release-risk-report.schema.json.
/// </summary>
public sealed record EvidenceReport(
    string Timestamp,
    string Release,
    string? Commit,
    string Name,
    string Namespace,
    string? Target,
    string? DeployedAt,
    string? Phase,
    EvidenceMetrics Metrics,
    EvidenceMetrics Baseline,
    int? RiskScore,
    string Classification,
    IReadOnlyList<string> Reasons);

/// <summary>Latencies in milliseconds and throughput in requests per second, as in the seed's example.</summary>
public sealed record EvidenceMetrics(
    double? Requests,
    double? ErrorRate,
    double? ServerErrorRate,
    double? LatencyP50,
    double? LatencyP95,
    double? LatencyP99,
    double? Throughput);

/// <param name="Onset">Time since the deploy at which a regression seen in this analysis began, if the data dates it.</param>
public sealed record TimelineEntry(string? Time, string? Elapsed, string? Verdict, int? RiskScore, double? ErrorRate, double? LatencyP95, double? Throughput, string? Onset);

public sealed record TimelineRelease(
    string Name, string Namespace, string Release, string? Commit, string? Target, string? DeployedAt,
    string Classification, int? RiskScore, IReadOnlyList<TimelineEntry> History);

public sealed record Timeline(string GeneratedAt, IReadOnlyList<TimelineRelease> Releases);

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
    };

    public static string Classification(Release r) => r.Status?.Verdict ?? (r.Status?.Phase is "Invalid" ? "INVALIDO" : "PENDIENTE");

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
            r.Spec.DeployedAt ?? (r.Metadata.CreationTimestamp is { } c ? Planning.Rfc3339.Format(new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc))) : null),
            s?.Phase,
            Metrics(s?.Current),
            Metrics(s?.Baseline),
            s?.RiskScore,
            Classification(r),
            s?.Reasons ?? []);
    }

    public static IReadOnlyList<EvidenceReport> Reports(IEnumerable<Release> releases, string timestamp) =>
        Order(releases).Select(r => Report(r, timestamp)).ToList();

    public static Timeline Timeline(IEnumerable<Release> releases, string generatedAt) =>
        new(generatedAt, Order(releases).Select(r =>
        {
            var report = Report(r, generatedAt);
            return new TimelineRelease(report.Name, report.Namespace, report.Release, report.Commit, report.Target, report.DeployedAt,
                report.Classification, report.RiskScore,
                (r.Status?.History ?? []).Select(h => new TimelineEntry(h.Time, h.Elapsed, h.Verdict, h.RiskScore, h.ErrorRate, Ms(h.LatencyP95), h.Throughput, h.Onset)).ToList());
        }).ToList());

    /// <summary>A Markdown summary for humans: one table row per release, then the reasons of every risky one.</summary>
    public static string Markdown(IEnumerable<Release> releases, string generatedAt)
    {
        var reports = Reports(releases, generatedAt);
        var sb = new System.Text.StringBuilder();
        sb.Append("# Release Radar evidence\n\nGenerated ").Append(generatedAt).Append(".\n\n");
        sb.Append("| Release | Version | Deployed | Verdict | Score | Error rate | P95 | Throughput |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var r in reports)
            sb.Append($"| {r.Namespace}/{r.Name} | {r.Release} | {r.DeployedAt} | {r.Classification} | {r.RiskScore?.ToString() ?? "–"} | " +
                      $"{Pct(r.Metrics.ErrorRate)} (baseline {Pct(r.Baseline.ErrorRate)}) | {Num(r.Metrics.LatencyP95, " ms")} | {Num(r.Metrics.Throughput, " req/s")} |\n");
        foreach (var r in reports.Where(r => r.Classification == "RIESGOSO"))
        {
            sb.Append($"\n## {r.Namespace}/{r.Name} ({r.Release}): RIESGOSO\n\n");
            foreach (var reason in r.Reasons) sb.Append("- ").Append(reason).Append('\n');
        }
        return sb.ToString();
    }

    private static IEnumerable<Release> Order(IEnumerable<Release> releases) =>
        releases.OrderBy(r => r.Spec.DeployedAt ?? "", StringComparer.Ordinal)
            .ThenBy(r => r.Metadata.NamespaceProperty ?? "default", StringComparer.Ordinal)
            .ThenBy(r => r.Metadata.Name, StringComparer.Ordinal);

    private static EvidenceMetrics Metrics(MetricValues? v) => new(
        v?.Requests, v?.ErrorRate, v?.ServerErrorRate, Ms(v?.LatencyP50), Ms(v?.LatencyP95), Ms(v?.LatencyP99), v?.Throughput is { } t ? Math.Round(t, 2) : null);

    private static double? Ms(double? seconds) => seconds is { } s ? Math.Round(s * 1000, 1) : null;
    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + "%" : "–";
    private static string Num(double? v, string unit) => v is { } x ? x.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + unit : "–";
}
