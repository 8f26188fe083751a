using System.Collections.Immutable;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>The outcome of validating a Release: a plan, or every problem found, each naming its field.</summary>
public sealed record PlanResult(ReleasePlan? Plan, ImmutableArray<string> Errors)
{
    public bool IsValid => Plan is not null;
}
