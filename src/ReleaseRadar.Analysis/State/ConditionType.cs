namespace ReleaseRadar.Analysis.State;

/// <summary>The conditions Release Radar sets on a Release, as the Kubernetes API conventions describe conditions.</summary>
public enum ConditionType
{
    SpecValid,
    MetricsAvailable,
    DataSufficient,
    Risky,
    Completed,
    TargetFound,
    Superseded,
}
