namespace ReleaseRadar.Analysis.Suspects;

/// <summary>A symptom metric as users write it (5xx, errors, p95, throughput) and as sentences name it.</summary>
public static class SymptomWords
{
    public static readonly string[] Accepted = ["5xx", "errors", "p95", "throughput", "any"];

    /// <summary>The metric a word names (none: the 5xx rate); null for a word that names none.</summary>
    public static SymptomMetric? Parse(string? word) =>
        word switch
        {
            null or "5xx" => SymptomMetric.ServerErrorRate,
            "errors" => SymptomMetric.ErrorRate,
            "p95" => SymptomMetric.LatencyP95,
            "throughput" => SymptomMetric.Throughput,
            "any" => SymptomMetric.MovedMost,
            _ => null,
        };

    public static string Name(SymptomMetric metric) =>
        metric switch
        {
            SymptomMetric.ServerErrorRate => "5xx rate",
            SymptomMetric.ErrorRate => "error rate",
            SymptomMetric.LatencyP95 => "P95 latency",
            SymptomMetric.MovedMost => "metric that moved most",
            _ => "throughput",
        };
}
