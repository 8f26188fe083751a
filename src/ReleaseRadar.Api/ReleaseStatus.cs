namespace ReleaseRadar.Api;

/// <summary>
/// The Release's status as the CRD stores it: strings and numbers. Code reads and writes it through StatusWire, which maps it
/// to the typed <see cref="ReleaseRadar.Analysis.State.ReleaseState"/> and back.
/// </summary>
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

    /// <summary>When the release rolled out, as analysed (spec.deployedAt, the binding's time, or the creation time).</summary>
    public string? DeployedAt { get; init; }

    /// <summary>When the analysis window ends and the verdict becomes final.</summary>
    public string? WindowEnd { get; init; }
    public long? ObservedGeneration { get; init; }
    public string? LastAnalysisTime { get; init; }
    public TimeRange? AnalysisWindow { get; init; }
    public TimeRange? BaselineWindow { get; init; }

    /// <summary>How the step values were read: the scrape interval Prometheus showed, and the range each step read.</summary>
    public SampleSpacing? Sampling { get; init; }
    public List<ActionRecord>? Actions { get; init; }

    /// <summary>The target Deployment's revision when the analysis began: the revision this verdict is about.</summary>
    public string? TargetRevision { get; init; }

    /// <summary>The rollout the Release is bound to: revision, ReplicaSet, pod-template-hash and the deploy time used.</summary>
    public RevisionBindingStatus? Binding { get; init; }
    public ReleaseLinkStatus? Predecessor { get; init; }
    public ReleaseLinkStatus? Successor { get; init; }

    /// <summary>
    /// The operator's HMAC of this status (everything above) and the Release's uid: a status changed by anyone else no longer
    /// matches it, and is not trusted until the operator re-derives it.
    /// </summary>
    public string? Seal { get; init; }
}
