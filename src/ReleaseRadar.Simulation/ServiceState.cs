namespace ReleaseRadar.Simulation;

public sealed record ServiceState(string Service, string Version, string Scenario, DateTimeOffset DeployedAt, IReadOnlyList<string> ActiveIncidents);
