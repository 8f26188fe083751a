using ReleaseRadar.Analysis.Suspects;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>A symptom to explain: the service, the label that names services, the metric, the look-back and its end.</summary>
public sealed record SymptomQuery(
    string Service,
    string ServiceLabel,
    SymptomMetric Metric,
    TimeSpan Since,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string> Scope,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Calls
);
