using ReleaseRadar.Analysis;

namespace ReleaseRadar.Prometheus;

/// <summary>A failed Prometheus call, with a message that says what Prometheus (or the thing in front of it) actually answered.</summary>
public sealed class PrometheusException(string reason, string message, Exception? inner = null) : MetricSourceException(reason, message, inner);
