using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis;

/// <summary>The port through which analysis reads metrics. Prometheus is one adapter; tests supply plain values.</summary>
public interface IReleaseMetricSource
{
    Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows windows, CancellationToken cancellationToken);

    /// <summary>
    /// A source for many windows of one plan, as a replay analyses them: an adapter may fetch their whole span once and
    /// cut each window from it. Each window's input must be the one <see cref="FetchAsync"/> would give. By default,
    /// every window is fetched on its own.
    /// </summary>
    Task<IReleaseMetricSource> ForWindowsAsync(ReleasePlan plan, IReadOnlyList<AnalysisWindows> windows, CancellationToken cancellationToken) =>
        Task.FromResult(this);
}
