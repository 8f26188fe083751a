namespace ReleaseRadar.Prometheus;

/// <summary>An answer with more series than <see cref="SeriesCap.PerAnswer"/>: reading stops at the cap.</summary>
internal sealed class SeriesCapException(int cap) : Exception($"more than {cap:N0} series")
{
    public int Cap { get; } = cap;
}
