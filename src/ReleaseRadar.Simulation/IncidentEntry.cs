namespace ReleaseRadar.Simulation;

public sealed class IncidentEntry
{
    public string At { get; set; } = "0s";
    public string Duration { get; set; } = "5m";
    public string Effect { get; set; } = Scenarios.TrafficSpike;
    public double Severity { get; set; } = 1;

    /// <summary>Services hit; empty means all of them.</summary>
    public List<string> Services { get; set; } = [];
}
