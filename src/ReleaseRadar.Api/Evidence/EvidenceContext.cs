using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;

namespace ReleaseRadar.Api.Evidence;

/// <summary>
/// What a report needs beyond the Releases: the tool's version, the defaults the operator plans with, and how a plan's
/// queries are written (the Prometheus adapter knows; this project does not depend on it).
/// </summary>
/// <param name="Queries">The queries of a plan at its recorded sampling (null: no sampling recorded yet).</param>
public sealed record EvidenceContext(
    string ToolVersion,
    AnalysisDefaults Defaults,
    Func<ReleasePlan, ReleaseRadar.Analysis.State.StepSampling?, EvidenceQueries>? Queries
)
{
    public static EvidenceContext Bare { get; } = new("unknown", AnalysisDefaults.None, null);
}
