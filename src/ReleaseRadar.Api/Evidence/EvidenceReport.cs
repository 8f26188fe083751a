namespace ReleaseRadar.Api.Evidence;

/// <summary>
/// The evidence format the project's founding brief specified (timestamp, release, commit, metrics, baseline, risk_score,
/// classification, reasons), extended with the fields an auditor needs to find the release again. It is snake_case
/// because the brief's field names are (risk_score), whereas `analyze -o json` prints the Release status itself, which
/// follows the Kubernetes API's camelCase. Schema: docs/schemas/release-risk-report.schema.json.
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
    IReadOnlyList<string> Reasons
);
