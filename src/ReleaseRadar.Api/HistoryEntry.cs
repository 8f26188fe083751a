namespace ReleaseRadar.Api;

/// <summary>One point of the release's timeline: the verdict and key values as of one analysis.</summary>
public sealed record HistoryEntry
{
    public string? Time { get; init; }

    /// <summary>Time since the deploy, e.g. "10m".</summary>
    public string? Elapsed { get; init; }
    public string? Verdict { get; init; }

    /// <summary>
    /// The raw assessment before smoothing (Ok, Risky, Critical, InsufficientData); needed to resume the anti-flapping rule after a
    /// restart.
    /// </summary>
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
