using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// Builds the release view from the stored status (verdicts, judgements, actions) and, where Prometheus answered, the
/// per-step traffic of the release, baseline and control windows. Pure: the same inputs give the same view.
/// </summary>
internal static class ReleaseViewBuilder
{
    private sealed record Definition(
        string Name,
        string Label,
        string Unit,
        Func<StepSample, double, double?> PerStep,
        Func<MetricValues, double?> Level,
        Func<HistoryEntry, double?> Judged
    );

    private static readonly Definition[] Definitions =
    [
        new(CheckNames.ErrorRate, "Error rate", "ratio", (s, _) => s.Requests > 0 ? s.Errors / s.Requests : null, v => v.ErrorRate, h => h.ErrorRate),
        new(
            CheckNames.ServerErrorRate,
            "5xx rate",
            "ratio",
            (s, _) => s.Requests > 0 ? s.ServerErrors / s.Requests : null,
            v => v.ServerErrorRate,
            h => h.ServerErrorRate
        ),
        new(CheckNames.LatencyP95, "P95 latency", "seconds", (s, _) => Quantile(0.95, s), v => v.LatencyP95, h => h.LatencyP95),
        new(CheckNames.LatencyP99, "P99 latency", "seconds", (s, _) => Quantile(0.99, s), v => v.LatencyP99, h => h.LatencyP99),
        new(CheckNames.Throughput, "Throughput", "requests_per_second", (s, step) => s.Requests / step, v => v.Throughput, h => h.Throughput),
    ];

    public static ReleaseView Build(Release r, IReadOnlyList<HistoryEntry> history, ReleasePlan? plan, AnalysisInput? steps, string? stepsUnavailable)
    {
        var s = r.Status;
        var deployed = Time(s?.DeployedAt) ?? plan?.DeployedAt;
        var windows = new ViewWindows(
            Format(deployed),
            plan is not null && deployed is { } d ? Format(d + plan.Warmup) : null,
            s?.WindowEnd ?? (plan is null ? null : Format(AnalysisSchedule.Grid(plan).WindowEnd)),
            s?.AnalysisWindow,
            s?.BaselineWindow
        );
        var metrics = Definitions
            .Select(m => new ViewMetric(
                m.Name,
                m.Label,
                m.Unit,
                steps is null ? [] : Series(steps.Current, m),
                Band(steps?.Baseline, m, s?.Baseline),
                steps?.ControlCurrent is { } control ? Series(control, m) : [],
                [
                    .. history
                        .Where(h => h.Time is not null && m.Judged(h) is not null)
                        .Select(h => new ViewPoint(h.Time!, m.Judged(h)!.Value, h.Verdict)),
                ],
                s?.Metrics?.FirstOrDefault(x => x.Name == m.Name)
            ))
            .ToList();
        return new ReleaseView(
            ReleaseApi.Summary(r),
            windows,
            metrics,
            Marks(r, history, deployed, windows),
            s?.Reasons ?? [],
            s?.Conditions ?? [],
            stepsUnavailable
        );
    }

    private static List<ViewPoint> Series(TrafficWindow window, Definition m) =>
        [
            .. window
                .Steps.Select(step => (step.Time, Value: m.PerStep(step, window.Step.TotalSeconds)))
                .Where(p => p.Value is { } v && double.IsFinite(v))
                .Select(p => new ViewPoint(Rfc3339.Format(p.Time), Math.Round(p.Value!.Value, 6))),
        ];

    /// <summary>The level the baseline was judged at, and the 10th to 90th percentile of its steps: its ordinary spread.</summary>
    private static ViewBand? Band(TrafficWindow? window, Definition m, MetricValues? judged)
    {
        var values = window is null
            ? []
            : window.Steps.Select(step => m.PerStep(step, window.Step.TotalSeconds)).OfType<double>().Where(double.IsFinite).Order().ToList();
        var level = judged is null ? null : m.Level(judged);
        if (values.Count == 0 && level is null)
            return null;
        return new ViewBand(
            level is { } l ? Math.Round(l, 6) : null,
            values.Count == 0 ? null : Math.Round(Percentile(values, 0.10), 6),
            values.Count == 0 ? null : Math.Round(Percentile(values, 0.90), 6),
            values.Count
        );
    }

    private static List<ViewMark> Marks(Release r, IReadOnlyList<HistoryEntry> history, DateTimeOffset? deployed, ViewWindows windows)
    {
        var marks = new List<ViewMark>();
        if (windows.DeployedAt is { } at)
            marks.Add(new ViewMark(at, "deploy", $"deployed {r.Spec.Version ?? r.Metadata.Name}"));
        if (windows.WarmupEnd is { } warm)
            marks.Add(new ViewMark(warm, "warmupEnd", "warm-up ends"));
        if (deployed is { } d && history.LastOrDefault(h => h.Onset is not null)?.Onset is { } onset && Signed(onset) is { } after)
            marks.Add(
                new ViewMark(
                    Format(d + after)!,
                    "onset",
                    after < TimeSpan.Zero ? $"regression began {onset[1..]} before the deploy" : $"regression began {onset} after the deploy"
                )
            );
        foreach (var a in r.Status?.Actions ?? [])
            if (a.Time is { } t && a.Result == "Succeeded")
                marks.Add(
                    a.Action == "Undo"
                        ? new ViewMark(t, "rollback", a.ToRevision is { } to ? $"rolled back to revision {to}" : "rolled back")
                        : new ViewMark(t, "annotate", $"annotated {a.Verdict}")
                );
        if (r.Status?.Conditions?.FirstOrDefault(c => c.Type == "Superseded" && c.Status == "True") is { LastTransitionTime: { } superseded })
            marks.Add(new ViewMark(superseded, "superseded", "superseded"));
        return [.. marks.OrderBy(m => m.Time, StringComparer.Ordinal)];
    }

    private static double? Quantile(double q, StepSample s) =>
        s.Latency is { Count: > 0 } histogram && HistogramQuantile.Quantile(q, histogram) is var v && double.IsFinite(v) ? v : null;

    private static double Percentile(List<double> sorted, double p)
    {
        var rank = p * (sorted.Count - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    private static TimeSpan? Signed(string text) =>
        text.StartsWith('-') ? (GoDuration.TryParse(text[1..], out var back) ? -back : null)
        : GoDuration.TryParse(text, out var after) ? after
        : null;

    private static DateTimeOffset? Time(string? text) => Rfc3339.TryParse(text, out var t) ? t : null;

    private static string? Format(DateTimeOffset? t) => t is { } x ? Rfc3339.Format(x) : null;
}
