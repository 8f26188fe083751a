namespace ReleaseRadar.Engine;

/// <summary>
/// Turns a sequence of raw assessments into a verdict that does not flap. The verdict changes only when the same
/// conclusion holds for <see cref="AnalysisPolicy.ConsecutiveIntervals"/> analyses in a row; a critical regression
/// and the final analysis of the window decide at once, because waiting would only delay a rollback or leave no verdict.
/// </summary>
public static class VerdictDecider
{
    public static Verdict Proposed(Assessment a) =>
        a switch
        {
            Assessment.Ok => Verdict.Ok,
            Assessment.Risky or Assessment.Critical => Verdict.Risky,
            _ => Verdict.InsufficientData,
        };

    /// <param name="previous">Raw assessments of this release's earlier analyses, oldest first.</param>
    /// <param name="previousVerdict">The verdict in force before this analysis, if any.</param>
    public static VerdictDecision Decide(
        Assessment current,
        IReadOnlyList<Assessment> previous,
        Verdict? previousVerdict,
        AnalysisPolicy policy,
        bool isFinal
    )
    {
        var proposed = Proposed(current);
        if (current == Assessment.Critical)
            return new(Verdict.Risky, DecisionBasis.Critical, proposed);
        if (isFinal)
            return new(proposed, DecisionBasis.Final, proposed);
        if (previousVerdict == proposed)
            return new(proposed, DecisionBasis.Unchanged, proposed);

        var streak = 1;
        for (var i = previous.Count - 1; i >= 0 && Proposed(previous[i]) == proposed; i--)
            streak++;
        var needed = Math.Max(1, policy.ConsecutiveIntervals);

        // The first verdict may be OK or "not enough data" at once, and enough data turning up is not a flap either;
        // only a risky verdict, and any change away from an established one, has to be confirmed.
        if (previousVerdict is null or Verdict.InsufficientData && proposed != Verdict.Risky)
            return new(proposed, previousVerdict is null ? DecisionBasis.FirstConclusion : DecisionBasis.EnoughData, proposed);
        if (streak >= needed)
            return new(proposed, DecisionBasis.Confirmed, proposed, streak, needed);
        return new(previousVerdict, DecisionBasis.AwaitingConfirmation, proposed, streak, needed);
    }
}
