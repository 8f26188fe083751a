namespace ReleaseRadar.Engine;

/// <summary>How a metric's value is expressed, so reasons can print 0.50 %, 182 ms or 1.2k req/s.</summary>
public enum MetricUnit
{
    Ratio,
    Seconds,
    RequestsPerSecond,
    Value,
}
