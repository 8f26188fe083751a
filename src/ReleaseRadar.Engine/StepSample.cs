namespace ReleaseRadar.Engine;

/// <summary>
/// What the service did during one analysis step (the increase of the counters over (Time - step, Time]).
/// Errors counts every response the policy calls an error (by default 4xx and 5xx); ServerErrors only 5xx.
/// </summary>
public sealed record StepSample(DateTimeOffset Time, double Requests, double Errors, double ServerErrors, LatencyHistogram? Latency);
