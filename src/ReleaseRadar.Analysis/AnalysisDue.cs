namespace ReleaseRadar.Analysis;

/// <summary>
/// Whether a Release needs an analysis now. When not, <paramref name="Next"/> says when it will (null: only when the
/// Release changes). Decided on the same plan the analysis uses, so both agree on the grid.
/// </summary>
public sealed record AnalysisDue(bool Due, DateTimeOffset? Next, string Why)
{
    public static AnalysisDue Now(string why) => new(true, null, why);

    public static AnalysisDue Later(DateTimeOffset? next, string why) => new(false, next, why);
}
