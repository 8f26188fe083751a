namespace ReleaseRadar.Api;

/// <summary>One metric's judgement, with both tests' outcomes, so a reader can check the reasoning.</summary>
public sealed record MetricStatus
{
    public string? Name { get; init; }
    public string? Outcome { get; init; }
    public double? Current { get; init; }
    public double? Baseline { get; init; }
    public double? Expected { get; init; }
    public double? Ratio { get; init; }
    public double? PValue { get; init; }
    public bool? StatisticallySignificant { get; init; }
    public bool? PracticallySignificant { get; init; }
    public bool? Critical { get; init; }
    public double? Severity { get; init; }

    /// <summary>"window" (the whole window since the warm-up) or "recent" (only its last steps: a regression that began late).</summary>
    public string? Scope { get; init; }

    /// <summary>When the regression began (RFC 3339), where the data shows a clear start.</summary>
    public string? Onset { get; init; }

    /// <summary>The window held enough data for the test to have its power at the practical threshold.</summary>
    public bool? Conclusive { get; init; }
    public string? Message { get; init; }
}
