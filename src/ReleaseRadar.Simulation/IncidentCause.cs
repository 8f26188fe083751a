namespace ReleaseRadar.Simulation;

/// <summary>What really caused an incident scenario's symptom.</summary>
public enum IncidentCause
{
    /// <summary>A bad release of the symptom's own service.</summary>
    BadRelease,

    /// <summary>A bad release of a service the symptom's service calls: the symptom shows on the caller.</summary>
    BadDependencyRelease,

    /// <summary>Outside traffic tripled on most services at once.</summary>
    ExternalSurge,

    /// <summary>A database or a network failing under a share of the services at once.</summary>
    SharedInfrastructure,

    /// <summary>Nothing happened: the on-call engineer is looking at noise.</summary>
    NoIncident,
}
