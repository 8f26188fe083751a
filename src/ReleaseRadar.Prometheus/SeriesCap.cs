namespace ReleaseRadar.Prometheus;

/// <summary>
/// How many series an answer may hold: at most <paramref name="PerPopulation"/> for each population (the series sharing
/// the values of <paramref name="PopulationLabels"/>: one service of a batched answer) and <paramref name="PerAnswer"/> in
/// all. A status label or histogram of unbounded cardinality then costs the answer's bytes, never its parsed series.
/// </summary>
public sealed record SeriesCap(IReadOnlyList<string> PopulationLabels, int PerPopulation, int PerAnswer)
{
    /// <summary>The key of the population a series belongs to: its values of the population labels, in order.</summary>
    public string KeyOf(IReadOnlyDictionary<string, string> labels) =>
        PopulationLabels.Count == 0 ? "" : string.Join("\u0001", PopulationLabels.Select(n => labels.GetValueOrDefault(n) ?? ""));
}
