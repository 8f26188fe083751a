namespace ReleaseRadar.Analysis.State;

/// <summary>One condition: whether it holds (null: unknown), why in a CamelCase word, and a sentence with the details.</summary>
public sealed record StatusCondition(
    ConditionType Type,
    bool? Holds,
    string? Reason,
    string? Message,
    DateTimeOffset? LastTransition,
    long? ObservedGeneration
);
