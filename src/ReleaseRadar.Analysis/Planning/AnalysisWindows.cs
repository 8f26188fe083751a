namespace ReleaseRadar.Analysis.Planning;

/// <summary>The time ranges of one analysis. Every boundary sits on the step grid anchored at deployedAt, so reruns are reproducible.</summary>
public sealed record AnalysisWindows(
    ReleasePhase Phase,
    DateTimeOffset CurrentStart,
    DateTimeOffset CurrentEnd,
    DateTimeOffset BaselineStart,
    DateTimeOffset BaselineEnd,
    TimeSpan Step,
    bool IsFinal
)
{
    public bool HasData => Phase is ReleasePhase.Analyzing or ReleasePhase.Completed;
    public int CurrentSteps => (int)Math.Round((CurrentEnd - CurrentStart) / Step);
    public int BaselineSteps => (int)Math.Round((BaselineEnd - BaselineStart) / Step);
}
