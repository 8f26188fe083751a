using System.Collections.Immutable;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.State;

/// <summary>
/// Everything Release Radar knows about a release, typed: the single source of truth a restarted operator resumes from.
/// The API project maps it to and from the CRD's status, whose words (the verdicts, the phases, …) are known there alone.
/// </summary>
public sealed record ReleaseState
{
    public static ReleaseState Empty { get; } = new();

    public ReleasePhase? Phase { get; init; }
    public Verdict? Verdict { get; init; }
    public int? RiskScore { get; init; }
    public ImmutableArray<string> Reasons { get; init; } = [];
    public WindowValues? Current { get; init; }
    public WindowValues? Baseline { get; init; }
    public ControlWindows? Control { get; init; }
    public ImmutableArray<MetricJudgement> Metrics { get; init; } = [];
    public ImmutableArray<StatusCondition> Conditions { get; init; } = [];
    public ImmutableArray<TimelinePoint> History { get; init; } = [];
    public long? ObservedGeneration { get; init; }

    /// <summary>When the release rolled out, as the last plan had it.</summary>
    public DateTimeOffset? DeployedAt { get; init; }

    /// <summary>When the analysis window ends and the verdict becomes final, as the last plan had it.</summary>
    public DateTimeOffset? WindowEnd { get; init; }
    public DateTimeOffset? LastAnalysis { get; init; }
    public TimeWindow? AnalysisWindow { get; init; }
    public TimeWindow? BaselineWindow { get; init; }
    public ImmutableArray<ActionTaken> Actions { get; init; } = [];

    /// <summary>The target Deployment's revision when the analysis began: the revision this verdict is about.</summary>
    public string? TargetRevision { get; init; }

    /// <summary>The rollout this Release is bound to (null: not bound yet, or no target).</summary>
    public RevisionBinding? Binding { get; init; }

    /// <summary>Which window the baseline was read from at the last analysis.</summary>
    public BaselineSource? BaselineSource { get; init; }

    /// <summary>The Release of the same target deployed before this one.</summary>
    public ReleaseLink? Predecessor { get; init; }

    /// <summary>The Release (or, without one, the revision) that superseded this one.</summary>
    public ReleaseLink? Successor { get; init; }
    public StepSampling? Sampling { get; init; }

    public StatusCondition? Condition(ConditionType type) => Conditions.FirstOrDefault(c => c.Type == type);

    /// <summary>Whether a condition is recorded as holding (true), not holding (false), or not known (null).</summary>
    public bool? Holds(ConditionType type) => Condition(type)?.Holds;
}
