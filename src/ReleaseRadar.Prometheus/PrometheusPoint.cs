namespace ReleaseRadar.Prometheus;

/// <summary>One sample. <see cref="Value"/> may be NaN or ±Inf: Prometheus sends those, and callers decide what they mean.</summary>
public readonly record struct PrometheusPoint(DateTimeOffset Time, double Value);
