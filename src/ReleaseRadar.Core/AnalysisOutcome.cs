using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Core;

/// <summary>
/// What one analysis produced: always the status to write, and when the next analysis is due (null: never, the
/// verdict is final or the spec must change first). The four cases are closed: callers switch on them.
/// </summary>
public abstract record AnalysisOutcome(ReleaseStatus Status, DateTimeOffset? NextAnalysis)
{
    /// <summary>The spec cannot be planned; the SpecValid condition says why.</summary>
    public sealed record Invalid(ReleaseStatus Status, IReadOnlyList<string> Errors) : AnalysisOutcome(Status, null);

    /// <summary>Deployed in the future, or still inside the warm-up: no data to judge yet.</summary>
    public sealed record Waiting(ReleaseStatus Status, ReleasePlan Plan, AnalysisWindows Windows, DateTimeOffset? NextAnalysis)
        : AnalysisOutcome(Status, NextAnalysis);

    /// <summary>The metric source failed; the verdict so far is kept and the MetricsAvailable condition names the reason.</summary>
    public sealed record SourceFailed(
        ReleaseStatus Status,
        ReleasePlan Plan,
        AnalysisWindows Windows,
        string Reason,
        string Message,
        DateTimeOffset? NextAnalysis
    ) : AnalysisOutcome(Status, NextAnalysis);

    /// <summary>The engine judged the window; the status carries the new history point.</summary>
    public sealed record Analyzed(
        ReleaseStatus Status,
        ReleasePlan Plan,
        AnalysisWindows Windows,
        AnalysisResult Result,
        VerdictDecision Decision,
        DateTimeOffset? NextAnalysis
    ) : AnalysisOutcome(Status, NextAnalysis);
}
