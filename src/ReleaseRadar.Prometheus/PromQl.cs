using System.Text;
using ReleaseRadar.Core.Planning;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Renders PromQL from trusted templates and untrusted values. Label values become double-quoted string literals with
/// every character that could end the literal escaped; names are checked against Prometheus' grammar. So a Release's
/// selector can select series, never inject PromQL.
/// </summary>
public static class PromQl
{
    public static string StringLiteral(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '\\':
                    sb.Append(@"\\");
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\n':
                    sb.Append(@"\n");
                    break;
                case '\r':
                    sb.Append(@"\r");
                    break;
                case '\t':
                    sb.Append(@"\t");
                    break;
                default:
                    if (char.IsControl(ch))
                        sb.Append($"\\u{(int)ch:x4}");
                    else
                        sb.Append(ch);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>The inside of a selector's braces: a="x",b="y" (sorted, so identical selectors give identical queries).</summary>
    public static string Matchers(IEnumerable<KeyValuePair<string, string>> matchers)
    {
        var parts = new List<string>();
        foreach (var (name, value) in matchers.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!ReleasePlanner.LabelName().IsMatch(name))
                throw new ArgumentException($"'{name}' is not a valid Prometheus label name", nameof(matchers));
            parts.Add(name + "=" + StringLiteral(value));
        }
        return string.Join(",", parts);
    }

    public static string Selector(string metric, IEnumerable<KeyValuePair<string, string>> matchers) => Series(metric, Matchers(matchers));

    /// <summary>Prometheus duration for a step, e.g. 60s.</summary>
    public static string Duration(TimeSpan step) =>
        ((long)Math.Round(step.TotalMilliseconds)) % 1000 == 0 ? $"{(long)step.TotalSeconds}s" : $"{(long)Math.Round(step.TotalMilliseconds)}ms";

    /// <summary>Requests per status code over each step.</summary>
    public static string RequestsByCode(string metric, string statusLabel, IEnumerable<KeyValuePair<string, string>> matchers, TimeSpan step) =>
        RequestsByCode(metric, statusLabel, Matchers(matchers), step, []);

    /// <summary>
    /// Requests per status code (and per <paramref name="groupBy"/> labels, for batched populations) over each step.
    /// <paramref name="matchers"/> is the inside of the braces, already rendered and escaped.
    /// </summary>
    public static string RequestsByCode(string metric, string statusLabel, string matchers, TimeSpan step, IReadOnlyList<string> groupBy) =>
        $"sum by ({string.Join(", ", [statusLabel, .. groupBy])}) (increase({Series(metric, matchers)}[{Duration(step)}]))";

    /// <summary>Latency histogram bucket counts over each step, summed across series.</summary>
    public static string LatencyBuckets(string histogram, IEnumerable<KeyValuePair<string, string>> matchers, TimeSpan step) =>
        LatencyBuckets(histogram, Matchers(matchers), step, []);

    public static string LatencyBuckets(string histogram, string matchers, TimeSpan step, IReadOnlyList<string> groupBy) =>
        $"sum by ({string.Join(", ", ["le", .. groupBy])}) (increase({Series(histogram + "_bucket", matchers)}[{Duration(step)}]))";

    private static string Series(string metric, string matchers)
    {
        if (!ReleasePlanner.MetricName().IsMatch(metric))
            throw new ArgumentException($"'{metric}' is not a valid Prometheus metric name", nameof(metric));
        return metric + "{" + matchers + "}";
    }

    /// <summary>A custom metric's template with {{selector}} and {{step}} filled in.</summary>
    public static string Custom(string template, IEnumerable<KeyValuePair<string, string>> matchers, TimeSpan step) =>
        template.Replace("{{selector}}", Matchers(matchers), StringComparison.Ordinal).Replace("{{step}}", Duration(step), StringComparison.Ordinal);
}
