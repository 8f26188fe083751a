namespace ReleaseRadar.Simulation;

/// <summary>A Release of an incident scenario: its name, the service and version it shipped, and its declared deploy time.</summary>
/// <param name="DependsOn">The services its service calls, as its spec.dependsOn declares them.</param>
public sealed record IncidentRelease(string Name, string Service, string Version, DateTimeOffset DeployedAt, IReadOnlyList<string> DependsOn);
