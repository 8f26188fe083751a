namespace ReleaseRadar.Simulation;

public sealed class ServiceEntry
{
    public string Name { get; set; } = "";

    /// <summary>
    /// The service label its series carry (default: the name). Two entries with one label are one service's two
    /// populations: a canary and its stable pods, each with its own share of the traffic and its own version timeline.
    /// </summary>
    public string? ServiceLabel { get; set; }

    public double BaseRps { get; set; } = 100;
    public double ServerErrorRate { get; set; } = 0.002;
    public double ClientErrorRate { get; set; } = 0.003;
    public double LatencyMedian { get; set; } = 0.08;
    public double LatencySigma { get; set; } = 0.45;
    public double TrafficNoise { get; set; } = 0.08;
    public double ErrorNoise { get; set; } = 0.15;
    public double DiurnalAmplitude { get; set; }
    public string DiurnalPeriod { get; set; } = "24h";
    public double TrendPerHour { get; set; }
    public List<DeploymentEntry> Timeline { get; set; } = [];

    /// <summary>The services (by name) this one calls: it feels part of their versions' failures and slowness.</summary>
    public List<string> Calls { get; set; } = [];

    public ServiceProfile ToProfile() =>
        new()
        {
            Name = ServiceLabel ?? Name,
            BaseRps = BaseRps,
            ServerErrorRate = ServerErrorRate,
            ClientErrorRate = ClientErrorRate,
            LatencyMedian = LatencyMedian,
            LatencySigma = LatencySigma,
            TrafficNoise = TrafficNoise,
            ErrorNoise = ErrorNoise,
            DiurnalAmplitude = DiurnalAmplitude,
            DiurnalPeriod = ScenarioFile.Offset(DiurnalPeriod, "diurnalPeriod"),
            TrendPerHour = TrendPerHour,
        };
}
