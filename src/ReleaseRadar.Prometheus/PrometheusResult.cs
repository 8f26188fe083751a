namespace ReleaseRadar.Prometheus;

public sealed record PrometheusResult(string ResultType, IReadOnlyList<PrometheusSeries> Series, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Populations (keys of <see cref="SeriesCap.KeyOf"/>) that had more series than the cap, with how many: their series
    /// past the cap are not in <see cref="Series"/>, so whoever reads such a population must refuse it.
    /// </summary>
    public IReadOnlyDictionary<string, int> OverCap { get; init; } = new Dictionary<string, int>();

    /// <summary>The cap the answer was read under (null: none), which knows how its populations are told apart.</summary>
    public SeriesCap? Cap { get; init; }

    /// <summary>How many series the population with these labels had, when they were more than the cap (null: within it).</summary>
    public int? OverCapOf(IReadOnlyDictionary<string, string> population) =>
        Cap is { } cap && OverCap.TryGetValue(cap.KeyOf(population), out var count) ? count : null;
}
