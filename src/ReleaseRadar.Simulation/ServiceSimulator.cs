using MathNet.Numerics.Distributions;

namespace ReleaseRadar.Simulation;

/// <summary>
/// One simulated HTTP service. Per tick: Poisson arrivals around a noisy, trending, optionally diurnal rate; binomial 5xx
/// and 4xx with over-dispersed ratios; log-normal latencies with a slow-path tail. Deterministic for a given seed.
/// </summary>
public sealed class ServiceSimulator(ServiceProfile profile, Random random)
{
    private static readonly string[] ServerCodes = ["500", "503"];
    private static readonly string[] ClientCodes = ["404", "400"];

    /// <summary>Every status code the simulator emits.</summary>
    public static readonly IReadOnlyList<string> AllCodes = ["200", .. ClientCodes, .. ServerCodes];

    private double _trafficNoise;
    private double _errorNoise;
    private DateTimeOffset? _origin;

    public ServiceProfile Profile => profile;
    public string Version { get; private set; } = "v0";
    public string Scenario { get; private set; } = Scenarios.Good;
    public double Severity { get; private set; } = 1;
    public TimeSpan? Ramp { get; private set; }
    public TimeSpan? Onset { get; private set; }
    public DateTimeOffset DeployedAt { get; private set; }

    public void Deploy(string version, string scenario, DateTimeOffset at, double severity = 1, TimeSpan? ramp = null, TimeSpan? onset = null)
    {
        Scenarios.ForVersion(scenario, TimeSpan.Zero, severity); // validates the name
        Version = version;
        Scenario = scenario;
        Severity = severity;
        Ramp = ramp;
        Onset = onset;
        DeployedAt = at;
    }

    /// <summary>What the running version does to the service at this moment (its callers feel part of it).</summary>
    public Effect VersionEffect(DateTimeOffset now) => Scenarios.ForVersion(Scenario, now - DeployedAt, Severity, Ramp, Onset);

    /// <returns>The requests served in this tick.</returns>
    public long Tick(DateTimeOffset now, TimeSpan dt, Effect incident, ITrafficSink sink)
    {
        _origin ??= now;
        var seconds = dt.TotalSeconds;
        var effect = VersionEffect(now).Combine(incident);

        // Autocorrelated log-normal noise (about a minute for traffic, half a minute for error ratios): real load drifts, it does not flicker.
        _trafficNoise = Ar1(_trafficNoise, profile.TrafficNoise, seconds, 60);
        _errorNoise = Ar1(_errorNoise, profile.ErrorNoise, seconds, 30);

        var hours = (now - _origin.Value).TotalHours;
        var diurnal =
            1
            + profile.DiurnalAmplitude
                * Math.Sin(2 * Math.PI * (now.ToUnixTimeSeconds() % profile.DiurnalPeriod.TotalSeconds) / profile.DiurnalPeriod.TotalSeconds);
        var trend = Math.Max(0.05, 1 + profile.TrendPerHour * hours);
        var rps = profile.BaseRps * diurnal * trend * effect.Traffic * Math.Exp(_trafficNoise);
        if (rps <= 0)
            return 0;

        var n = (long)Poisson.Sample(random, Math.Max(rps * seconds, 1e-9));
        if (n == 0)
            return 0;

        var errorWander = Math.Exp(_errorNoise);
        var pServer = Math.Clamp(profile.ServerErrorRate * effect.ServerErrorMultiplier * errorWander + effect.ServerErrorAdd, 0, 1);
        var pClient = Math.Clamp(profile.ClientErrorRate * errorWander + effect.ClientErrorAdd, 0, 1);
        var server = Binomial.Sample(random, pServer, (int)Math.Min(n, int.MaxValue));
        var client = Binomial.Sample(random, pClient, (int)Math.Min(n - server, int.MaxValue));
        var ok = n - server - client;

        Split(sink, ServerCodes, server, 0.6);
        Split(sink, ClientCodes, client, 0.7);
        if (ok > 0)
            sink.Requests(profile.Name, Version, "200", ok);

        var loadFactor = 1 + profile.LoadSensitivity * Math.Max(0, rps / profile.BaseRps - 1);
        var mu = Math.Log(profile.LatencyMedian * effect.Latency * loadFactor);
        for (var i = 0; i < n; i++)
        {
            var latency = Math.Exp(mu + profile.LatencySigma * Normal.Sample(random, 0, 1));
            if (random.NextDouble() < profile.SlowShare * effect.SlowShare)
                latency *= 4;
            sink.Latency(profile.Name, Version, latency);
        }
        return n;
    }

    private void Split(ITrafficSink sink, string[] codes, long count, double firstShare)
    {
        if (count <= 0)
            return;
        var first = Binomial.Sample(random, firstShare, (int)Math.Min(count, int.MaxValue));
        if (first > 0)
            sink.Requests(profile.Name, Version, codes[0], first);
        if (count - first > 0)
            sink.Requests(profile.Name, Version, codes[1], count - first);
    }

    private double Ar1(double previous, double sigma, double dtSeconds, double tauSeconds)
    {
        if (sigma <= 0)
            return 0;
        var rho = Math.Exp(-dtSeconds / tauSeconds);
        return rho * previous + sigma * Math.Sqrt(1 - rho * rho) * Normal.Sample(random, 0, 1);
    }
}
