using ReleaseRadar.Core.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Core;

/// <summary>The port through which analysis reads metrics. Prometheus is one adapter; tests supply plain values.</summary>
public interface IReleaseMetricSource
{
    Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows windows, CancellationToken cancellationToken);
}

/// <summary>The metric source could not answer. <see cref="Reason"/> is a CamelCase condition reason; the message is for humans.</summary>
public class MetricSourceException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Reason { get; } = reason;
}
