namespace ReleaseRadar.Prometheus;

public sealed record PrometheusResult(string ResultType, IReadOnlyList<PrometheusSeries> Series, IReadOnlyList<string> Warnings);
