namespace ReleaseRadar.Api.Evidence;

/// <summary>
/// How the release was analysed, re-planned from its spec and the defaults at export time: the selectors, the queries,
/// the thresholds and the cadence. Null when the spec does not plan (the report's reasons say why).
/// </summary>
public sealed record EvidenceAnalysis(
    IReadOnlyDictionary<string, string> Selector,
    IReadOnlyDictionary<string, string>? BaselineSelector,
    IReadOnlyDictionary<string, string>? ControlSelector,
    EvidenceQueries? Queries,
    string Window,
    string Interval,
    string Step,
    string Warmup,
    double RiskyScore,
    IReadOnlyDictionary<string, EvidenceThreshold> Thresholds
);
