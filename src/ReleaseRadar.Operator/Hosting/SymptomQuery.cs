using ReleaseRadar.Analysis.Suspects;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// A symptom to explain: the service, the label that names services, the metric, the look-back and its end, and who calls
/// whom: the pairs given, and those a service mesh's metric shows (none without <paramref name="Mesh"/>).
/// </summary>
public sealed record SymptomQuery(
    string Service,
    string ServiceLabel,
    SymptomMetric Metric,
    TimeSpan Since,
    DateTimeOffset At,
    IReadOnlyDictionary<string, string> Scope,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Calls,
    MeshLabels? Mesh = null
)
{
    /// <summary>The name=value pairs of a repeatable option or query parameter; false with the first that is not one.</summary>
    public static bool TryPairs(IEnumerable<string>? values, out List<KeyValuePair<string, string>> pairs, out string? bad)
    {
        pairs = [];
        bad = null;
        foreach (var v in values ?? [])
        {
            if (v.Split('=', 2) is not [{ Length: > 0 } k, { Length: > 0 } x] || k.Trim().Length == 0 || x.Trim().Length == 0)
            {
                bad = v;
                return false;
            }
            pairs.Add(new(k.Trim(), x.Trim()));
        }
        return true;
    }

    /// <summary>caller=callee pairs as the callees of each caller.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Graph(IEnumerable<KeyValuePair<string, string>> pairs) =>
        pairs
            .GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(kv => kv.Value)], StringComparer.Ordinal);
}
