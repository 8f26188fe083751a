namespace ReleaseRadar.Prometheus;

/// <summary>What <see cref="AnswerReader"/> found in an answer, filled in as the reader meets each field, in any order.</summary>
internal sealed class ApiAnswer
{
    public static ApiAnswer NotAnApiAnswer => new();

    public bool HasStatus { get; set; }

    /// <summary>Null when the status is not a string.</summary>
    public string? Status { get; set; }
    public string? ErrorType { get; set; }
    public string? Error { get; set; }
    public bool HasData { get; set; }

    /// <summary>Set when data has a shape no endpoint answers with.</summary>
    public string? DataShape { get; set; }
    public string? ResultType { get; set; }
    public bool HasResult { get; set; }
    public bool ScalarShaped { get; set; }
    public IReadOnlyList<PrometheusSeries> Series { get; set; } = [];
    public IReadOnlyList<string>? LabelNames { get; set; }
    public IReadOnlyList<string> Warnings { get; set; } = [];

    /// <summary>Populations with more series than the cap, and how many they had: their series past the cap were skipped.</summary>
    public Dictionary<string, int> OverCap { get; } = new(StringComparer.Ordinal);
}
