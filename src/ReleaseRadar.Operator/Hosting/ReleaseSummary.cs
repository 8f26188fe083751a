namespace ReleaseRadar.Operator.Hosting;

/// <summary>One release in a list: what was deployed and what Release Radar thinks of it now.</summary>
internal sealed record ReleaseSummary(
    string Namespace,
    string Name,
    string? Version,
    string? Commit,
    string? Target,
    string? DeployedAt,
    string? Phase,
    string? Verdict,
    int? RiskScore,
    double? ErrorRate,
    double? LatencyP95,
    double? Throughput,
    string? LastAnalysisTime,
    string? Summary
);
