using ReleaseRadar.Analysis.Planning;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Renders PromQL from trusted templates and untrusted values. Label values become double-quoted string literals with
/// every character that could end the literal escaped; names are checked against Prometheus' grammar. So a Release's
/// selector can select series, never inject PromQL.
/// </summary>
public static partial class PromQl
{
    /// <summary>The inside of a selector's braces: a="x",b="y" (sorted, so identical selectors give identical queries).</summary>
    public static string Matchers(IEnumerable<KeyValuePair<string, string>> matchers)
    {
        var parts = new List<string>();
        foreach (var (name, value) in matchers.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!ReleasePlanner.LabelName().IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid Prometheus label name", nameof(matchers));
            parts.Add(name + "=" + PromQlText.Literal(value));
        }
        return string.Join(",", parts);
    }

    public static string Selector(string metric, IEnumerable<KeyValuePair<string, string>> matchers) => Series(metric, Matchers(matchers));

    /// <summary>Prometheus duration for a step, e.g. 60s.</summary>
    public static string Duration(TimeSpan step) =>
        ((long)Math.Round(step.TotalMilliseconds)) % 1000 == 0 ? $"{(long)step.TotalSeconds}s" : $"{(long)Math.Round(step.TotalMilliseconds)}ms";

    /// <summary>Requests per status code over each step.</summary>
    public static string RequestsByCode(string metric, string statusLabel, IEnumerable<KeyValuePair<string, string>> matchers, TimeSpan step) =>
        RequestsByCode(metric, statusLabel, Matchers(matchers), StepRange.For(step, null), []);

    /// <summary>
    /// Requests per status code (and per <paramref name="groupBy"/> labels, for batched populations) over each step.
    /// <paramref name="matchers"/> is the inside of the braces, already rendered and escaped.
    /// </summary>
    public static string RequestsByCode(string metric, string statusLabel, string matchers, StepRange range, IReadOnlyList<string> groupBy) =>
        StepIncrease($"by ({string.Join(", ", [statusLabel, .. groupBy])})", Series(metric, matchers), range);

    /// <summary>Latency histogram bucket counts over each step, summed across series.</summary>
    public static string LatencyBuckets(string histogram, IEnumerable<KeyValuePair<string, string>> matchers, TimeSpan step) =>
        LatencyBuckets(histogram, Matchers(matchers), StepRange.For(step, null), []);

    public static string LatencyBuckets(string histogram, string matchers, StepRange range, IReadOnlyList<string> groupBy) =>
        StepIncrease($"by ({string.Join(", ", ["le", .. groupBy])})", Series(histogram + "_bucket", matchers), range);

    /// <summary>
    /// How many samples the longest-lived series of <paramref name="metric"/> holds over <paramref name="window"/> (per
    /// <paramref name="groupBy"/> population): the window divided by it is the scrape interval. The longest-lived series,
    /// because one that began inside the window (a new pod) holds fewer.
    /// </summary>
    public static string SamplesOver(string metric, string matchers, TimeSpan window, IReadOnlyList<string> groupBy) =>
        $"max{(groupBy.Count == 0 ? "" : $" by ({string.Join(", ", groupBy)})")} (count_over_time({Series(metric, matchers)}[{Duration(window)}]))";

    /// <summary>
    /// The increase over each step: increase() over the step, or rate() over the wider range times the step, which is the
    /// same quantity where the range is the step and still has two samples where the step alone has one.
    /// </summary>
    private static string StepIncrease(string by, string series, StepRange range) =>
        range.Widened
            ? $"sum {by} (rate({series}[{Duration(range.Range)}])) * {Seconds(range.Step)}"
            : $"sum {by} (increase({series}[{Duration(range.Step)}]))";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    public static string Series(string metric, string matchers)
    {
        if (!ReleasePlanner.MetricName().IsMatch(metric))
            throw new ArgumentException($"'{metric}' is not a valid Prometheus metric name", nameof(metric));
        return metric + "{" + matchers + "}";
    }

    /// <summary>
    /// A custom metric's template with {{selector}}, {{step}} and {{range}} filled in, in one pass: a placeholder inside a
    /// selector's value is text of that value, never replaced in turn. {{range}} is the step, or the wider range that holds
    /// two samples where the step alone does not.
    /// </summary>
    public static string Custom(string template, IEnumerable<KeyValuePair<string, string>> matchers, TimeSpan step) =>
        Custom(template, matchers, StepRange.For(step, null));

    public static string Custom(string template, IEnumerable<KeyValuePair<string, string>> matchers, StepRange range)
    {
        var selector = Matchers(matchers);
        return Placeholder()
            .Replace(
                template,
                m =>
                    m.Groups[1].Value switch
                    {
                        "selector" => selector,
                        "step" => Duration(range.Step),
                        _ => Duration(range.Range),
                    }
            );
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{(selector|step|range)\}\}")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();
}
