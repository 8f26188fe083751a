using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Suspects;

namespace ReleaseRadar.Api;

/// <summary>
/// The answer of `suspects` as JSON (the CLI's `-o json` and the API's `/suspects`): strings at the wire, times in
/// RFC 3339, the verdicts in the user's words. Schema: docs/schemas/suspects.schema.json.
/// </summary>
public sealed record SuspectsReport(
    string Service,
    string Metric,
    string? Onset,
    double? Before,
    double? After,
    IReadOnlyList<SuspectEntry> Suspects,
    string? NoneOfThese,
    IReadOnlyList<string> ChangedTogether
)
{
    /// <summary>The answer as JSON; its metric is the one judged (the one that moved most, when that was asked).</summary>
    public static SuspectsReport Of(string service, SuspectsAnswer a) =>
        new(
            service,
            a.Metric.ToString(),
            a.Onset is { } o ? Rfc3339.Format(o.At) : null,
            a.Onset?.Before,
            a.Onset?.After,
            [
                .. a.Ranked.Select(s => new SuspectEntry(
                    s.Release.Key,
                    s.Release.Version,
                    s.Release.Service,
                    Rfc3339.Format(s.Release.DeployedAt),
                    s.Release.Verdict is { } v ? StatusWire.Word(v) : null,
                    s.Score,
                    Math.Round(s.DeployToOnset.TotalSeconds),
                    s.OwnServiceChanged,
                    s.CalledBySymptom,
                    s.Sentence
                )),
            ],
            a.NoneOfThese,
            a.ChangedTogether
        );
}
