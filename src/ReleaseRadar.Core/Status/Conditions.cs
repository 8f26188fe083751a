using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Core.Status;

/// <summary>Condition types Release Radar sets, and the upsert rule of the Kubernetes API conventions.</summary>
public static class Conditions
{
    public const string SpecValid = "SpecValid";
    public const string MetricsAvailable = "MetricsAvailable";
    public const string DataSufficient = "DataSufficient";
    public const string Risky = "Risky";
    public const string Completed = "Completed";
    public const string TargetFound = "TargetFound";

    /// <summary>Sets one condition; lastTransitionTime moves only when the status flips, as the conventions require.</summary>
    public static List<ReleaseCondition> Set(
        IEnumerable<ReleaseCondition>? existing,
        string type,
        bool status,
        string reason,
        string message,
        string now,
        long? generation
    )
    {
        var list = existing?.ToList() ?? [];
        var value = StatusWire.Word(status);
        var index = list.FindIndex(c => c.Type == type);
        var transition = index >= 0 && list[index].Status == value ? list[index].LastTransitionTime ?? now : now;
        var condition = new ReleaseCondition
        {
            Type = type,
            Status = value,
            Reason = reason,
            Message = SafeUrl.Redact(message),
            LastTransitionTime = transition,
            ObservedGeneration = generation,
        };
        if (index >= 0)
            list[index] = condition;
        else
            list.Add(condition);
        return list;
    }

    public static ReleaseCondition? Find(ReleaseStatus? status, string type) => status?.Conditions?.FirstOrDefault(c => c.Type == type);
}
