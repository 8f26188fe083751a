using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.State;

/// <summary>One metric's judgement as the status keeps it: both tests, the values, and the sentence.</summary>
public sealed record MetricJudgement(
    string Name,
    FindingOutcome Outcome,
    double? Current,
    double? Baseline,
    double? Expected,
    double? Ratio,
    double? PValue,
    bool StatisticallySignificant,
    bool PracticallySignificant,
    bool Critical,
    double Severity,
    FindingScope Scope,
    DateTimeOffset? Onset,
    bool? Conclusive,
    string Message
);
