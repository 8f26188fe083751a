namespace ReleaseRadar.Engine;

/// <summary>
/// Folds findings into one 0–100 score. Each component (errors, 5xx, latency, each custom metric) contributes its
/// weight times its severity; latency takes the worse of P95 and P99 so one slow tail is not counted twice.
/// Components without data are left out of the denominator rather than counted as healthy.
/// </summary>
public static class RiskScorer
{
    public static int Score(IReadOnlyList<MetricFinding> findings, AnalysisPolicy policy)
    {
        double weighted = 0, total = 0;
        foreach (var (group, weight) in Weights(policy))
        {
            if (weight <= 0) continue;
            var members = findings.Where(f => f.Group == group && f.Outcome != FindingOutcome.NoData).ToList();
            if (members.Count == 0) continue;
            weighted += weight * members.Max(f => f.Severity);
            total += weight;
        }
        return total <= 0 ? 0 : (int)Math.Round(100 * weighted / total, MidpointRounding.AwayFromZero);
    }

    public static IEnumerable<(string Group, double Weight)> Weights(AnalysisPolicy policy)
    {
        yield return ("errors", policy.Weights.Errors);
        yield return ("serverErrors", policy.Weights.ServerErrors);
        yield return ("latency", policy.Weights.Latency);
        foreach (var c in policy.Custom) yield return (CustomGroup(c.Name), c.Weight);
    }

    public static string CustomGroup(string name) => "custom:" + name;
}
