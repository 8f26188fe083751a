using System.Globalization;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Evidence;
using ReleaseRadar.Engine;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReleaseRadar.Cli.Output;

/// <summary>
/// `releaseradar get`'s view, laid out for the terminal it runs in: all Releases as a table with a sparkline of each
/// one's risk score over its analyses, or one Release with each metric against its baseline, the sparklines, its
/// reasons and what was done to its target. Every line fits the width; the reasons share what the height leaves.
/// </summary>
public static class ReleaseBoard
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static IRenderable Render(IReadOnlyList<Release> releases, DateTimeOffset now, int width, int height, string caption)
    {
        var wide = width >= 150;
        var table = new Table().Border(TableBorder.Minimal).Expand();
        table.AddColumn(new TableColumn("release").NoWrap());
        table.AddColumn(new TableColumn("verdict").NoWrap());
        table.AddColumn(new TableColumn("score").RightAligned().NoWrap());
        table.AddColumn(new TableColumn(wide ? "errors (baseline)" : "errors").RightAligned().NoWrap());
        table.AddColumn(new TableColumn(wide ? "P95 (baseline)" : "P95").RightAligned().NoWrap());
        if (wide)
        {
            table.AddColumn(new TableColumn("phase").NoWrap());
            table.AddColumn(new TableColumn("deployed").RightAligned().NoWrap());
        }
        table.AddColumn(new TableColumn("score per analysis").NoWrap());
        // What the fixed columns leave for the sparkline, the newest analyses kept.
        var nameWidth = Math.Min(wide ? 40 : 22, releases.Select(r => Name(r, wide).Length).DefaultIfEmpty(8).Max());
        var fixedWidth = nameWidth + 20 + 6 + (wide ? 2 * 19 + 12 + 10 : 2 * 9) + 2 * (wide ? 8 : 6);
        var spark = Math.Clamp(width - fixedWidth, 4, 120);
        foreach (var r in releases)
        {
            var s = r.Status;
            var cells = new List<string>
            {
                Markup.Escape(Cut(Name(r, wide), nameWidth)),
                Verdict(s),
                s?.RiskScore?.ToString(CultureInfo.InvariantCulture) ?? "–",
                Pair(s?.Current?.ErrorRate, s?.Baseline?.ErrorRate, MetricUnit.Ratio, wide),
                Pair(s?.Current?.LatencyP95, s?.Baseline?.LatencyP95, MetricUnit.Seconds, wide),
            };
            if (wide)
            {
                cells.Add(Markup.Escape(s?.Phase ?? StatusWire.Word(ReleasePhase.Pending)));
                cells.Add(Ago(s?.DeployedAt ?? r.Spec.DeployedAt, now));
            }
            cells.Add(Sparkline([.. (s?.History ?? []).Select(h => (double?)h.RiskScore), 0, 100], s?.History, spark, null, pinned: 2));
            table.AddRow(cells.ToArray());
        }

        var parts = new List<IRenderable> { new Markup("[bold]Release Radar[/]  [grey]" + Markup.Escape(Cut(caption, width - 16)) + "[/]"), table };
        if (releases.Count == 0)
            parts.Add(new Markup("[grey]No Releases.[/]"));
        // Header 1, table 3 + one line per row, then one line per reason while the height lasts.
        var left = height - 1 - (releases.Count + 3) - 1;
        foreach (var r in releases)
        {
            if (left-- <= 0)
                break;
            var typed = r.State; // mapped from the wire status on each read
            var action = EvidenceProjector.Rollback(typed, typed.DeployedAt);
            var reason = r.Status?.Reasons?.FirstOrDefault() ?? "not analysed yet";
            var text = action == "none" ? reason : $"{action} · {reason}";
            var prefix = Name(r, false) + ": ";
            parts.Add(
                new Markup(
                    $"[bold]{Markup.Escape(Cut(prefix, width / 2))}[/]{Markup.Escape(Cut(text, width - 1 - Math.Min(prefix.Length, width / 2)))}"
                )
            );
        }
        return new Rows(parts);
    }

    /// <summary>One Release: each metric against its baseline, the sparklines of its analyses, its reasons and actions.</summary>
    public static IRenderable RenderOne(Release r, DateTimeOffset now, int width, int height)
    {
        var s = r.Status;
        var lines = new List<IRenderable>();
        var head = $"Release {r.Key}" + (r.Spec.Version is { } v ? $"  {v}" : "") + (r.Spec.Commit is { } c ? $"  commit {c}" : "");
        lines.Add(new Markup($"[bold]{Markup.Escape(Cut(head, width - 1))}[/]"));
        var state =
            $"{Verdict(s)}  score {s?.RiskScore?.ToString(CultureInfo.InvariantCulture) ?? "–"}/100  "
            + Markup.Escape($"{s?.Phase ?? StatusWire.Word(ReleasePhase.Pending)} · deployed {Ago(s?.DeployedAt ?? r.Spec.DeployedAt, now)}");
        lines.Add(new Markup(state));

        var table = new Table().Border(TableBorder.Minimal);
        table.AddColumn(new TableColumn("metric").NoWrap());
        table.AddColumn(new TableColumn("release").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("baseline").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("change").NoWrap());
        var history = s?.History ?? [];
        var spark = Math.Clamp(width - 16 - 11 - 11 - 14 - 8, 4, 120);
        if (spark >= 8)
            table.AddColumn(new TableColumn("per analysis").NoWrap());
        void Row(string name, double? now, double? baseline, MetricUnit unit, Func<HistoryEntry, double?> series)
        {
            var cells = new List<string>
            {
                name,
                ReasonText.Value(now, unit),
                ReasonText.Value(baseline, unit),
                Markup.Escape(ReasonText.Change(now, baseline)),
            };
            if (spark >= 8)
                cells.Add(Sparkline([.. history.Select(series)], history, spark, baseline));
            table.AddRow(cells.ToArray());
        }
        Row("error rate", s?.Current?.ErrorRate, s?.Baseline?.ErrorRate, MetricUnit.Ratio, h => h.ErrorRate);
        Row("5xx rate", s?.Current?.ServerErrorRate, s?.Baseline?.ServerErrorRate, MetricUnit.Ratio, h => h.ServerErrorRate);
        Row("P95", s?.Current?.LatencyP95, s?.Baseline?.LatencyP95, MetricUnit.Seconds, h => h.LatencyP95);
        Row("P99", s?.Current?.LatencyP99, s?.Baseline?.LatencyP99, MetricUnit.Seconds, h => h.LatencyP99);
        Row("throughput", s?.Current?.Throughput, s?.Baseline?.Throughput, MetricUnit.RequestsPerSecond, h => h.Throughput);
        lines.Add(table);

        var typed = r.State; // mapped from the wire status on each read
        var action = EvidenceProjector.Rollback(typed, typed.DeployedAt);
        var left = height - 2 - 9 - 1 - (action == "none" ? 0 : 1);
        if (action != "none")
            lines.Add(new Markup("[bold]target:[/] " + Markup.Escape(Cut(action, width - 10))));
        var failing = (s?.Conditions ?? []).Where(x => x.Status == "False" && x.Type is "SpecValid" or "MetricsAvailable" or "TargetFound");
        var said = failing.Select(x => $"{x.Type}=False ({x.Reason}): {x.Message}").Concat(s?.Reasons ?? []).ToList();
        if (said.Count > 0 && left > 1)
        {
            lines.Add(new Markup("[bold]reasons:[/]"));
            foreach (var reason in said.Take(left - 1))
                lines.Add(new Markup(Markup.Escape(Cut("- " + reason, width - 1))));
        }
        return new Rows(lines);
    }

    /// <summary>
    /// Bars from the lowest to the highest of the values and <paramref name="baseline"/> (so a rise above the baseline
    /// shows), each coloured by that analysis' verdict. The last <paramref name="pinned"/> values only set the scale.
    /// </summary>
    private static string Sparkline(List<double?> values, List<HistoryEntry>? history, int room, double? baseline, int pinned = 0)
    {
        var scale = values.Where(v => v is not null).Select(v => v!.Value).Concat(baseline is { } b ? [b] : []).ToList();
        var (lo, hi) = scale.Count == 0 ? (0d, 0d) : (scale.Min(), scale.Max());
        var shown = values.Count - pinned;
        var sb = new System.Text.StringBuilder();
        for (var i = Math.Max(0, shown - room); i < shown; i++)
        {
            var bar =
                values[i] is not { } x ? ' '
                : hi > lo ? Bars[(int)Math.Round((x - lo) / (hi - lo) * (Bars.Length - 1))]
                : Bars[0];
            var colour = history?[i].VerdictValue switch
            {
                Engine.Verdict.Ok => "green",
                Engine.Verdict.Risky => "red",
                Engine.Verdict.InsufficientData => "yellow",
                _ => "grey",
            };
            sb.Append($"[{colour}]{bar}[/]");
        }
        return sb.ToString();
    }

    private static string Verdict(ReleaseStatus? s) =>
        s.VerdictValue switch
        {
            Engine.Verdict.Ok => $"[green]{StatusWire.Word(Engine.Verdict.Ok)}[/]",
            Engine.Verdict.Risky => $"[red bold]{StatusWire.Word(Engine.Verdict.Risky)}[/]",
            Engine.Verdict.InsufficientData => $"[yellow]{StatusWire.Word(Engine.Verdict.InsufficientData)}[/]",
            _ => $"[grey]{Markup.Escape(StatusWire.Classification(s))}[/]",
        };

    private static string Pair(double? now, double? baseline, MetricUnit unit, bool wide) =>
        wide ? $"{ReasonText.Compact(now, unit)} ({ReasonText.Compact(baseline, unit)})" : ReasonText.Compact(now, unit);

    private static string Name(Release r, bool wide) => wide ? r.Key + (r.Spec.Version is { } v ? $" ({v})" : "") : r.Metadata.Name;

    private static string Ago(string? time, DateTimeOffset now) =>
        Rfc3339.TryParse(time, out var t) ? (t > now ? "in " + Age(t - now) : Age(now - t) + " ago") : "–";

    /// <summary>An age as kubectl shows one: its two largest units (279d16h, 5h12m, 3m10s).</summary>
    private static string Age(TimeSpan d) =>
        d.TotalDays >= 1 ? $"{d.Days}d{d.Hours}h"
        : d.TotalHours >= 1 ? $"{d.Hours}h{d.Minutes}m"
        : ReasonText.Duration(TimeSpan.FromSeconds(Math.Floor(d.TotalSeconds)));

    private static string Cut(string text, int room) =>
        room <= 1 ? ""
        : text.Length <= room ? text
        : text[..(room - 1)].TrimEnd() + "…";
}
