namespace ReleaseRadar.Simulation;

public sealed class DeploymentEntry
{
    public string At { get; set; } = "0s";
    public string Version { get; set; } = "v1";
    public string Scenario { get; set; } = Scenarios.Good;
    public double Severity { get; set; } = 1;
    public string? Ramp { get; set; }

    /// <summary>How long after this deployment its scenario starts to act (a late regression), e.g. 20m.</summary>
    public string? Onset { get; set; }
}
