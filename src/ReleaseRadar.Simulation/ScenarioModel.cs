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
    public double DiurnalAmplitude { get; init; } = 0;
    public TimeSpan DiurnalPeriod { get; init; } = TimeSpan.FromDays(1);
    /// <summary>Traffic growth per hour, e.g. 0.1 = +10 %/h.</summary>
    public double TrendPerHour { get; init; } = 0;
    /// <summary>Latency grows by this fraction for each extra 100 % of load over the base.</summary>
    public double LoadSensitivity { get; init; } = 0.05;
}

/// <summary>Multipliers and additions a scenario or an incident applies at one moment.</summary>
public sealed record Effect(
    double Traffic = 1,
    double ServerErrorMultiplier = 1,
    double ServerErrorAdd = 0,
    double ClientErrorAdd = 0,
    double Latency = 1,
    double SlowShare = 1)
{
    public static Effect None { get; } = new();

    public Effect Combine(Effect o) => new(Traffic * o.Traffic, ServerErrorMultiplier * o.ServerErrorMultiplier,
        ServerErrorAdd + o.ServerErrorAdd, ClientErrorAdd + o.ClientErrorAdd, Latency * o.Latency, SlowShare * o.SlowShare);
}

/// <summary>The built-in scenarios: what a version does over time since it was deployed, or what an incident does to everyone.</summary>
public static class Scenarios
{
    public const string Good = "good";
    public const string ErrorRegression = "error-regression";
    public const string LatencyRegression = "latency-regression";
    public const string SlowDegradation = "slow-degradation";
    public const string TrafficSpike = "traffic-spike";
    public const string LowTraffic = "low-traffic";
    public const string Outage = "outage";
    public const string TrafficSurge = "traffic-surge";
    public const string TrafficLoss = "traffic-loss";
    public const string TailLatencyRegression = "tail-latency-regression";

    public static readonly IReadOnlyList<string> VersionScenarios =
        [Good, ErrorRegression, LatencyRegression, TailLatencyRegression, SlowDegradation, TrafficLoss, LowTraffic];
    public static readonly IReadOnlyList<string> IncidentScenarios = [TrafficSpike, TrafficSurge, Outage];

    /// <param name="severity">Scales the regression (1 = the default size).</param>
    /// <param name="ramp">How long a slow degradation takes to reach full size.</param>
    /// <param name="onset">How long after the deploy the scenario starts to act (a leak, a cache that fills, a cron path).</param>
    public static Effect ForVersion(string scenario, TimeSpan sinceDeploy, double severity = 1, TimeSpan? ramp = null, TimeSpan? onset = null)
    {
        var effect = scenario switch
        {
            Good => Effect.None,
            // 5xx from ~0.2 % to ~3 %, and the retries and timeouts behind them make P95 a third slower.
            ErrorRegression => new Effect(ServerErrorAdd: 0.028 * severity, Latency: 1 + 0.3 * Math.Min(1, severity)),
            LatencyRegression => new Effect(Latency: 1 + 0.6 * severity),
            // Only the slow path gets slower and commoner (a cold cache, a retry storm): P99 moves, P95 hardly.
            TailLatencyRegression => new Effect(SlowShare: 1 + 4 * severity),
            SlowDegradation => Ramp(sinceDeploy - (onset ?? TimeSpan.Zero), ramp ?? TimeSpan.FromMinutes(20), severity),
            // Broken routing, a client that can no longer call it, readiness flapping: requests stop arriving.
            TrafficLoss => new Effect(Traffic: Math.Max(0.02, 1 - 0.7 * severity)),
            LowTraffic => new Effect(Traffic: 0.01),
            _ => throw new ArgumentException($"unknown scenario '{scenario}' (known: {string.Join(", ", VersionScenarios)})", nameof(scenario)),
        };
        return onset is { } delay && sinceDeploy < delay ? Effect.None : effect;
    }

    public static Effect ForIncident(string incident, double severity = 1) => incident switch
    {
        // A spike of outside traffic overloads a shared dependency: everyone's errors and latency rise, not just the new version's.
        TrafficSpike => new Effect(Traffic: 1 + 2 * severity, ServerErrorAdd: 0.015 * severity, Latency: 1 + 0.35 * severity),
        // More load and nothing else: the service copes, only its latency creeps up with utilisation.
        TrafficSurge => new Effect(Traffic: 1 + 2 * severity),
        // The exporter (or the service) is gone: no traffic is recorded at all.
        Outage => new Effect(Traffic: 0),
        _ => throw new ArgumentException($"unknown incident '{incident}' (known: {string.Join(", ", IncidentScenarios)})", nameof(incident)),
    };

    private static Effect Ramp(TimeSpan since, TimeSpan ramp, double severity)
    {
        var progress = Math.Clamp(since / ramp, 0, 1);
        return new Effect(ServerErrorAdd: 0.03 * severity * progress, Latency: 1 + 0.5 * severity * progress);
    }
}
