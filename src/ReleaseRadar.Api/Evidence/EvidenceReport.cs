namespace ReleaseRadar.Api.Evidence;

/// <summary>
/// The evidence format the project's founding brief specified (timestamp, release, commit, metrics, baseline, risk_score,
/// classification, reasons), extended with what an auditor needs: the release found again, the windows, the control,
/// the selectors, queries and thresholds, what was done to the target, and the tool's version. It is snake_case because
/// the brief's field names are (risk_score), whereas `analyze -o json` prints the Release status itself, which follows
/// the Kubernetes API's camelCase. Schema: docs/schemas/release-risk-report.schema.json.
/// </summary>
/// <param name="Release">The brief's key: the version (or the name, without one). <see cref="Version"/> says the same plainly.</param>
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
    IReadOnlyList<string> Reasons,
    string? Version,
    EvidenceWindows Windows,
    EvidenceControl? Control,
    EvidenceAnalysis? Analysis,
    string Rollback,
    string ToolVersion
);
