using ReleaseRadar.Core.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Core;

/// <summary>The port through which analysis reads metrics. Prometheus is one adapter; tests supply plain values.</summary>
public interface IReleaseMetricSource
{
    Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows windows, CancellationToken cancellationToken);
}
