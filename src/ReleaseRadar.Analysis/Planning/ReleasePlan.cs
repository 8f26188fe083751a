using System.Collections.Immutable;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>
/// A Release's spec with every default applied and every field validated: everything needed to fetch data and analyse,
/// and nothing that can still be wrong.
/// </summary>
public sealed record ReleasePlan(
    string Key,
    string? Version,
    string? Commit,
    DateTimeOffset DeployedAt,
    ImmutableSortedDictionary<string, string> Selector,
    BaselineMode Mode,
    ImmutableSortedDictionary<string, string>? BaselineSelector,
    ImmutableSortedDictionary<string, string>? ControlSelector,
    TimeSpan Window,
    TimeSpan Interval,
    TimeSpan Step,
    TimeSpan Warmup,
    TimeSpan BaselineWindow,
    MetricNames Metrics,
    ImmutableArray<CustomQuery> CustomQueries,
    AnalysisPolicy Policy,
    RollbackMode Rollback
)
{
    /// <summary>
    /// The baseline window to read instead of the pre-deploy one (null: the pre-deploy window). The operator sets it from
    /// the Release's neighbours; a plan from the spec alone never has one.
    /// </summary>
    public PinnedBaseline? PinnedBaseline { get; init; }

    /// <summary>
    /// Everything that decides which queries a fetch sends, as a value: two plans of the same spec give the same text
    /// (the selectors are dictionaries and regular expressions, which compare by reference).
    /// </summary>
    public string QueryIdentity()
    {
        static string Labels(ImmutableSortedDictionary<string, string>? s) =>
            s is null ? "-" : string.Join(",", s.Select(kv => $"{kv.Key}={kv.Value}"));
        return string.Join(
            "|",
            Labels(Selector),
            Mode,
            Labels(BaselineSelector),
            Labels(ControlSelector),
            Step.Ticks,
            BaselineWindow.Ticks,
            Metrics.Requests,
            Metrics.StatusLabel,
            Metrics.ErrorCodes,
            Metrics.ServerErrorCodes,
            Metrics.LatencyHistogram,
            string.Join(";", CustomQueries.Select(q => $"{q.Name}={q.QueryTemplate}")),
            PinnedBaseline is { } pin ? $"{pin.Window.Start.UtcTicks}-{pin.Window.End.UtcTicks}" : "-"
        );
    }
}
