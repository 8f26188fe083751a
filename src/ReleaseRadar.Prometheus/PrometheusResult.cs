namespace ReleaseRadar.Prometheus;

public sealed record PrometheusResult(string ResultType, IReadOnlyList<PrometheusSeries> Series, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Populations (keys of <see cref="SeriesCap.KeyOf"/>) that had more series than the cap, with how many: their series
    /// past the cap are not in <see cref="Series"/>, so whoever reads such a population must refuse it.
    /// </summary>
    public IReadOnlyDictionary<string, int> OverCap { get; init; } = new Dictionary<string, int>();
}
