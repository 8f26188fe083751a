namespace ReleaseRadar.Api;

/// <summary>
/// A window's values as a person reads them (4.59%, 225ms), for `kubectl get releases`' columns: a printer column shows a
/// field as it is stored, so the raw ratio and seconds beside them stay the values to compute with. Written, never read.
/// </summary>
public sealed record DisplayValues
{
    public string? ErrorRate { get; init; }
    public string? ServerErrorRate { get; init; }
    public string? LatencyP95 { get; init; }
    public string? LatencyP99 { get; init; }
    public string? Throughput { get; init; }
}
