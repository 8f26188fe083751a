namespace ReleaseRadar.Api.Evidence;

/// <summary>The control population's values over the release window and over the baseline window.</summary>
public sealed record EvidenceControl(EvidenceMetrics Metrics, EvidenceMetrics Baseline);
