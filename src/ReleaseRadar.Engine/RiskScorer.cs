namespace ReleaseRadar.Engine;

/// <summary>
/// Folds findings into one 0–100 score. Errors, 5xx and latency are the core: each contributes its weight times its
/// severity, over the sum of their weights, so the score is their weighted average; latency takes the worse of P95 and
/// P99 so one slow tail is not counted twice. Traffic loss and custom metrics add their weight times their severity on
/// top, without joining the denominator: an extra check must never dilute a confirmed regression of the core ones.
/// Components without data are left out rather than counted as healthy.
/// </summary>
public static class RiskScorer
{
    public const string TrafficGroup = "traffic";

    public static int Score(IReadOnlyList<MetricFinding> findings, AnalysisPolicy policy)
    {
        double core = 0,
            coreWeight = 0,
            extra = 0,
            extraWeight = 0;
        foreach (var (group, weight, isCore) in Weights(policy))
        {
            if (weight <= 0)
                continue;
            var members = findings.Where(f => f.Group == group && f.Outcome != FindingOutcome.NoData).ToList();
            if (members.Count == 0)
                continue;
            var points = weight * members.Max(f => f.Severity);
            if (isCore)
            {
                core += points;
                coreWeight += weight;
            }
            else
            {
                extra += points;
                extraWeight += weight;
            }
        }
        // Only extra checks have data (a custom-metrics-only analysis): they become the average themselves.
        if (coreWeight <= 0)
            return extraWeight <= 0 ? 0 : Round(100 * extra / extraWeight);
        return Math.Min(100, Round(100 * (core + extra) / coreWeight));
    }

    public static IEnumerable<(string Group, double Weight, bool Core)> Weights(AnalysisPolicy policy)
    {
        yield return ("errors", policy.Weights.Errors, true);
        yield return ("serverErrors", policy.Weights.ServerErrors, true);
        yield return ("latency", policy.Weights.Latency, true);
        yield return (TrafficGroup, policy.Weights.Traffic, false);
        foreach (var c in policy.Custom)
            yield return (CustomGroup(c.Name), c.Weight, false);
    }

    public static string CustomGroup(string name) => "custom:" + name;

    private static int Round(double v) => (int)Math.Round(v, MidpointRounding.AwayFromZero);
}
