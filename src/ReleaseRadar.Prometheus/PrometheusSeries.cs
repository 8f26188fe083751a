namespace ReleaseRadar.Prometheus;

/// <summary>One series of a query result.</summary>
public sealed record PrometheusSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<PrometheusPoint> Points);
