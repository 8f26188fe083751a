namespace ReleaseRadar.Simulation;

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
    public const string ErrorBurst = "error-burst";
    public const string Slowdown = "slowdown";

    public static readonly IReadOnlyList<string> VersionScenarios =
    [
        Good,
        ErrorRegression,
        LatencyRegression,
        TailLatencyRegression,
        SlowDegradation,
        TrafficLoss,
        LowTraffic,
    ];
    public static readonly IReadOnlyList<string> IncidentScenarios = [TrafficSpike, TrafficSurge, Outage, ErrorBurst, Slowdown];

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

    public static Effect ForIncident(string incident, double severity = 1) =>
        incident switch
        {
            // A spike of outside traffic overloads a shared dependency: everyone's errors and latency rise, not just the new version's.
            TrafficSpike => new Effect(Traffic: 1 + 2 * severity, ServerErrorAdd: 0.015 * severity, Latency: 1 + 0.35 * severity),
            // More load and nothing else: the service copes, only its latency creeps up with utilisation.
            TrafficSurge => new Effect(Traffic: 1 + 2 * severity),
            // The exporter (or the service) is gone: no traffic is recorded at all.
            Outage => new Effect(Traffic: 0),
            // A failing dependency or a bad config push that is undone: 10 % more 5xx at severity 1, nothing else.
            ErrorBurst => new Effect(ServerErrorAdd: 0.1 * severity),
            // A saturated database or a noisy neighbour: every request slower, at severity 1 two and a half times.
            Slowdown => new Effect(Latency: 1 + 1.5 * severity),
            _ => throw new ArgumentException($"unknown incident '{incident}' (known: {string.Join(", ", IncidentScenarios)})", nameof(incident)),
        };

    private static Effect Ramp(TimeSpan since, TimeSpan ramp, double severity)
    {
        var progress = Math.Clamp(since / ramp, 0, 1);
        return new Effect(ServerErrorAdd: 0.03 * severity * progress, Latency: 1 + 0.5 * severity * progress);
    }
}
