namespace ReleaseRadar.Analysis.Suspects;

/// <summary>What the on-call engineer sees move: the 5xx rate, the error rate, the P95 latency or the throughput.</summary>
public enum SymptomMetric
{
    ServerErrorRate,
    ErrorRate,
    LatencyP95,
    Throughput,

    /// <summary>Whichever of the four moved most, relative to its level before; the answer names the one it chose.</summary>
    MovedMost,
}
