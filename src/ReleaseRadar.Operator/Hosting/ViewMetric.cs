using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// One judged metric over the release window, in its unit (ratio, seconds, requests per second): the release's value at
/// each step, the baseline's level and spread, the control's value at each step, the value each analysis judged with its
/// verdict, and the numbers that decided it (the status' judgement of this metric).
/// </summary>
internal sealed record ViewMetric(
    string Name,
    string Label,
    string Unit,
    IReadOnlyList<ViewPoint> Release,
    ViewBand? Baseline,
    IReadOnlyList<ViewPoint> Control,
    IReadOnlyList<ViewPoint> Analyses,
    MetricStatus? Decision
);
