namespace ReleaseRadar.Simulation;

/// <summary>The body of a refused control request: {"error": "..."}.</summary>
public sealed record ControlError(string Error);
