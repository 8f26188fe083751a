namespace ReleaseRadar.Engine;

/// <param name="Verdict">The verdict in force after this analysis (null: none yet).</param>
/// <param name="Proposed">What this analysis alone would conclude.</param>
/// <param name="Streak">How many analyses in a row, this one included, proposed the same.</param>
/// <param name="Needed">How many in a row a change of verdict needs.</param>
public sealed record VerdictDecision(Verdict? Verdict, DecisionBasis Basis, Verdict Proposed, int Streak = 1, int Needed = 1);
