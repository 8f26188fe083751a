using System.Collections.Immutable;

namespace ReleaseRadar.Analysis.State;

/// <summary>The upsert rule of the Kubernetes API conventions for conditions.</summary>
public static class Conditions
{
    /// <summary>Sets one condition; its last transition moves only when it flips, as the conventions require.</summary>
    public static ImmutableArray<StatusCondition> Set(
        ImmutableArray<StatusCondition> existing,
        ConditionType type,
        bool holds,
        string reason,
        string message,
        DateTimeOffset now,
        long? generation
    )
    {
        var list = existing.IsDefault ? [] : existing.ToList();
        var index = list.FindIndex(c => c.Type == type);
        var transition = index >= 0 && list[index].Holds == holds ? list[index].LastTransition ?? now : now;
        var condition = new StatusCondition(type, holds, reason, SafeUrl.Redact(message), transition, generation);
        if (index >= 0)
            list[index] = condition;
        else
            list.Add(condition);
        return [.. list];
    }
}
