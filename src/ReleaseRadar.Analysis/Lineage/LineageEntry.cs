using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.Lineage;

/// <summary>One Release of a target as its neighbours see it: what it is bound to and how it was judged.</summary>
public sealed record LineageEntry(
    string Key,
    string Name,
    string? Version,
    DateTimeOffset? Created,
    RevisionBinding? Binding,
    Verdict? Verdict,
    ReleasePhase? Phase,
    TimeWindow? AnalysisWindow
)
{
    public static LineageEntry Of(ReleaseSubject subject, ReleaseState state) =>
        new(subject.Key, subject.Name ?? "", subject.Spec?.Version, subject.Created, state.Binding, state.Verdict, state.Phase, state.AnalysisWindow);

    public ReleaseLink Link => new(Name, Version, Verdict);
}
