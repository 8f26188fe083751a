namespace ReleaseRadar.Engine;

/// <summary>Names of the built-in checks, as they appear in status and configuration.</summary>
public static class CheckNames
{
    public const string ErrorRate = "errorRate";
    public const string ServerErrorRate = "serverErrorRate";
    public const string LatencyP95 = "latencyP95";
    public const string LatencyP99 = "latencyP99";
    public const string Throughput = "throughput";
}
