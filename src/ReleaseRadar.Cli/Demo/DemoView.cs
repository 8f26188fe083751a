using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ReleaseRadar.Cli.Demo;

/// <summary>
/// The demo's live view, laid out for the terminal it runs in: a compact table whose columns never split a word, the
/// timeline as glyphs that differ in shape as well as colour (with a legend), and each release's top reason wrapped under
/// the table, cut to what the height leaves.
/// </summary>
public static class DemoView
{
    /// <summary>One release as the view shows it.</summary>
    public sealed record Line(string Name, string Version, ReleaseStatus? Status, bool RollbackRecommended);

    private static readonly (Verdict? Verdict, string Glyph, string Colour)[] Glyphs =
    [
        (Verdict.Ok, "✔", "green"),
        (Verdict.Risky, "✖", "red"),
        (Verdict.InsufficientData, "?", "yellow"),
        (null, "·", "grey"),
    ];

    public static IRenderable Render(IReadOnlyList<Line> lines, string caption, int width, int height)
    {
        var wide = width >= 150;
        var table = new Table().Border(wide ? TableBorder.Rounded : TableBorder.Minimal).Expand();
        table.AddColumn(new TableColumn("release").NoWrap());
        if (wide)
            table.AddColumn(new TableColumn("phase").NoWrap());
        table.AddColumn(new TableColumn("verdict").NoWrap());
        table.AddColumn(new TableColumn("score").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("errors").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("P95").RightAligned().NoWrap());
        if (wide)
            table.AddColumn(new TableColumn("throughput").RightAligned().NoWrap());
        table.AddColumn(new TableColumn("timeline").NoWrap());

        // What the fixed columns leave for the timeline: one glyph and a space per analysis, the newest kept.
        var fixedWidth = (wide ? 28 + 11 + 12 : 6) + 22 + 7 + 9 + 9 + (wide ? 4 * 8 : 2 * 6);
        var glyphs = Math.Max(4, (width - fixedWidth) / 2);
        foreach (var l in lines)
        {
            var s = l.Status;
            var cells = new List<string> { Markup.Escape(wide ? $"{l.Name} ({l.Version})" : l.Version) };
            if (wide)
                cells.Add(Markup.Escape(s?.Phase ?? StatusWire.Word(ReleasePhase.Pending)));
            cells.Add(VerdictCell(s.VerdictValue, l.RollbackRecommended && wide));
            cells.Add(s?.RiskScore?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–");
            cells.Add(ReasonText.Value(s?.Current?.ErrorRate, MetricUnit.Ratio));
            cells.Add(ReasonText.Value(s?.Current?.LatencyP95, MetricUnit.Seconds));
            if (wide)
                cells.Add(ReasonText.Value(s?.Current?.Throughput, MetricUnit.RequestsPerSecond));
            cells.Add(string.Join(" ", (s?.History ?? []).TakeLast(glyphs).Select(h => Glyph(h.VerdictValue))));
            table.AddRow(cells.ToArray());
        }

        var parts = new List<IRenderable>
        {
            new Markup("[bold]Release Radar demo[/]  [grey]" + Markup.Escape(caption) + "[/]"),
            table,
            new Markup("[grey]timeline:[/] " + string.Join("  ", Glyphs.Select(g => $"{Glyph(g.Verdict)} {Meaning(g.Verdict)}"))),
        };
        // Reasons share what the height leaves: header 1, table 2 per row + 3 (minimal border), legend 1, a spare line.
        var left = Math.Max(lines.Count, height - 1 - (lines.Count + 3) - 1 - 1);
        var perReason = Math.Max(1, left / Math.Max(1, lines.Count));
        foreach (var l in lines)
        {
            var reason = l.Status?.Reasons?.FirstOrDefault();
            if (reason is null)
                continue;
            var prefix = $"{l.Version}: ";
            var room = perReason * (width - 1) - prefix.Length;
            var text = reason.Length <= room ? reason : reason[..Math.Max(0, room - 1)].TrimEnd() + "…";
            parts.Add(new Markup($"[bold]{Markup.Escape(prefix)}[/]{Markup.Escape(text)}"));
        }
        return new Rows(parts);
    }

    private static string VerdictCell(Verdict? verdict, bool rollback) =>
        verdict switch
        {
            Verdict.Ok => $"[green]{StatusWire.Word(Verdict.Ok)}[/]",
            Verdict.Risky => $"[red bold]{StatusWire.Word(Verdict.Risky)}[/]" + (rollback ? " [red](rollback)[/]" : ""),
            Verdict.InsufficientData => $"[yellow]{StatusWire.Word(Verdict.InsufficientData)}[/]",
            _ => "[grey]–[/]",
        };

    private static string Glyph(Verdict? verdict)
    {
        var g = Glyphs.First(x => x.Verdict == verdict);
        return $"[{g.Colour}]{g.Glyph}[/]";
    }

    private static string Meaning(Verdict? verdict) => verdict is { } v ? StatusWire.Word(v) : "awaiting confirmation";
}
