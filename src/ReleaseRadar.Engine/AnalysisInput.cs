using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>Everything the engine needs for one analysis. Control windows are present only when the Release names a control.</summary>
public sealed record AnalysisInput(
    BaselineMode Mode,
    TrafficWindow Current,
    TrafficWindow Baseline,
    TrafficWindow? ControlCurrent = null,
    TrafficWindow? ControlBaseline = null,
    ImmutableArray<CustomMetricData> Custom = default,
    DateTimeOffset? DeployedAt = null,
    Sampling? Sampling = null
)
{
    public bool HasControl => ControlCurrent is not null && ControlBaseline is not null;
    public ImmutableArray<CustomMetricData> CustomOrEmpty => Custom.IsDefault ? [] : Custom;
}
