namespace ReleaseRadar.Simulation;

/// <summary>How a service behaves when nothing is wrong. Defaults follow the seed: ~0.5 % errors, realistic latency tails.</summary>
public sealed record ServiceProfile
{
    public string Name { get; init; } = "checkout";
    public double BaseRps { get; init; } = 100;

    /// <summary>Share of requests answered 5xx.</summary>
    public double ServerErrorRate { get; init; } = 0.002;

    /// <summary>Share of requests answered 4xx (kept apart from 5xx: clients' mistakes, not the service's).</summary>
    public double ClientErrorRate { get; init; } = 0.003;

    /// <summary>Median latency in seconds; latencies are log-normal around it.</summary>
    public double LatencyMedian { get; init; } = 0.08;
    public double LatencySigma { get; init; } = 0.45;

    /// <summary>Share of requests that take a slow path (cache miss, retry), about 4× slower: the P99 tail.</summary>
    public double SlowShare { get; init; } = 0.01;

    /// <summary>Relative traffic noise (log-normal, autocorrelated over about a minute).</summary>
    public double TrafficNoise { get; init; } = 0.08;

    /// <summary>Step-to-step wander of the error ratios beyond binomial noise; larger means a noisier baseline.</summary>
    public double ErrorNoise { get; init; } = 0.15;

    /// <summary>Relative amplitude of the daily traffic cycle (0 = flat).</summary>
    public double DiurnalAmplitude { get; init; }
    public TimeSpan DiurnalPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Traffic growth per hour, e.g. 0.1 = +10 %/h.</summary>
    public double TrendPerHour { get; init; }

    /// <summary>Latency grows by this fraction for each extra 100 % of load over the base.</summary>
    public double LoadSensitivity { get; init; } = 0.05;
}
