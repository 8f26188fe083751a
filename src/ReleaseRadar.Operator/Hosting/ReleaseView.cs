using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// One release against its baseline over time, for the release view (`/releases/{ns}/{name}`): each judged metric's
/// per-step values in the release window, the baseline's level and spread, the control, the analyses with their
/// verdicts, the marks (deploy, warm-up end, onset, actions, supersession), the reasons and the conditions.
/// Schema: docs/schemas/release-view.schema.json.
/// </summary>
/// <param name="StepsUnavailable">Why the per-step values are missing (Prometheus could not be read); null when present.</param>
internal sealed record ReleaseView(
    ReleaseSummary Release,
    ViewWindows Windows,
    IReadOnlyList<ViewMetric> Metrics,
    IReadOnlyList<ViewMark> Marks,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<ReleaseCondition> Conditions,
    string? StepsUnavailable
);
