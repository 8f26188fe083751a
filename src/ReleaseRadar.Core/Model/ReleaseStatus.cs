namespace ReleaseRadar.Core.Model;

/// <summary>Everything Release Radar knows about a release. The single source of truth: a restarted operator resumes from it.</summary>
public sealed record ReleaseStatus
{
    public string? Phase { get; init; }
    public string? Verdict { get; init; }
    public int? RiskScore { get; init; }
    public List<string>? Reasons { get; init; }
    public MetricValues? Current { get; init; }
    public MetricValues? Baseline { get; init; }
    public ControlValues? Control { get; init; }
    public List<MetricStatus>? Metrics { get; init; }
    public List<ReleaseCondition>? Conditions { get; init; }
    public List<HistoryEntry>? History { get; init; }
    public long? ObservedGeneration { get; init; }
    public string? LastAnalysisTime { get; init; }
    public TimeRange? AnalysisWindow { get; init; }
    public TimeRange? BaselineWindow { get; init; }
    public List<ActionRecord>? Actions { get; init; }
    /// <summary>The target Deployment's revision when the analysis began: the revision this verdict is about.</summary>
    public string? TargetRevision { get; init; }
}

public sealed record MetricValues
{
    public double? Requests { get; init; }
    public double? ErrorRate { get; init; }
    public double? ServerErrorRate { get; init; }
    public double? LatencyP50 { get; init; }
    public double? LatencyP95 { get; init; }
    public double? LatencyP99 { get; init; }
    public double? Throughput { get; init; }
}

public sealed record ControlValues
{
    public MetricValues? Current { get; init; }
    public MetricValues? Baseline { get; init; }
}

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

/// <summary>A condition following the Kubernetes API conventions.</summary>
public sealed record ReleaseCondition
{
    public string? Type { get; init; }
    public string? Status { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public string? LastTransitionTime { get; init; }
    public long? ObservedGeneration { get; init; }
}

/// <summary>One point of the release's timeline: the verdict and key values as of one analysis.</summary>
public sealed record HistoryEntry
{
    public string? Time { get; init; }
    /// <summary>Time since the deploy, e.g. "10m".</summary>
    public string? Elapsed { get; init; }
    public string? Verdict { get; init; }
    /// <summary>The raw assessment before smoothing (Ok, Risky, Critical, InsufficientData); needed to resume the anti-flapping rule after a restart.</summary>
    public string? Assessment { get; init; }
    public int? RiskScore { get; init; }
    public double? ErrorRate { get; init; }
    public double? ServerErrorRate { get; init; }
    public double? LatencyP95 { get; init; }
    public double? LatencyP99 { get; init; }
    public double? Throughput { get; init; }
    /// <summary>Time since the deploy at which a regression seen in this analysis began, e.g. "21m".</summary>
    public string? Onset { get; init; }
    /// <summary>How many analyses this entry stands for once older history has been thinned.</summary>
    public int? Merged { get; init; }
}

public sealed record TimeRange
{
    public string? Start { get; init; }
    public string? End { get; init; }
}

/// <summary>Something Release Radar did to the target (annotate, undo), recorded for audit.</summary>
public sealed record ActionRecord
{
    public string? Time { get; init; }
    public string? Action { get; init; }
    /// <summary>The verdict the action answered, so an action still owed for the current verdict can be told apart.</summary>
    public string? Verdict { get; init; }
    public string? Target { get; init; }
    public string? Result { get; init; }
    public string? Message { get; init; }
}
