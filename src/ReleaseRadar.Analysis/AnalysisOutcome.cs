using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis;

/// <summary>
/// What one analysis produced: always the state to store, and when the next analysis is due (null: never, the
/// verdict is final or the spec must change first). The four cases are closed: callers switch on them.
/// </summary>
public abstract record AnalysisOutcome(ReleaseState State, DateTimeOffset? NextAnalysis)
{
    /// <summary>The spec cannot be planned; the SpecValid condition says why.</summary>
    public sealed record Invalid(ReleaseState State, IReadOnlyList<string> Errors) : AnalysisOutcome(State, null);

    /// <summary>Deployed in the future, or still inside the warm-up: no data to judge yet.</summary>
    public sealed record Waiting(ReleaseState State, ReleasePlan Plan, AnalysisWindows Windows, DateTimeOffset? NextAnalysis)
        : AnalysisOutcome(State, NextAnalysis);

    /// <summary>The metric source failed; the verdict so far is kept and the MetricsAvailable condition names the reason.</summary>
    public sealed record SourceFailed(
        ReleaseState State,
        ReleasePlan Plan,
        AnalysisWindows Windows,
        string Reason,
        string Message,
        DateTimeOffset? NextAnalysis
    ) : AnalysisOutcome(State, NextAnalysis);

    /// <summary>The engine judged the window; the state carries the new history point.</summary>
    public sealed record Analyzed(
        ReleaseState State,
        ReleasePlan Plan,
        AnalysisWindows Windows,
        AnalysisResult Result,
        VerdictDecision Decision,
        DateTimeOffset? NextAnalysis
    ) : AnalysisOutcome(State, NextAnalysis);
}
