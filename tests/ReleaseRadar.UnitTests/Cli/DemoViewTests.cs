using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Cli.Demo;
using ReleaseRadar.Engine;
using Spectre.Console;

namespace ReleaseRadar.UnitTests.Cli;

/// <summary>The demo's live view, rendered by Spectre.Console at the terminal sizes people have.</summary>
public sealed class DemoViewTests
{
    private static readonly string Ok = StatusWire.Word(Verdict.Ok);
    private static readonly string Risky = StatusWire.Word(Verdict.Risky);
    private static readonly string Insufficient = StatusWire.Word(Verdict.InsufficientData);

    private static DemoView.Line Release(string version, string verdict, int analyses, string reason) =>
        new(
            $"checkout-{version}",
            version,
            new ReleaseStatus
            {
                Phase = "Completed",
                Verdict = verdict,
                RiskScore = 99,
                Reasons = [reason, "second reason"],
                Current = new MetricValues
                {
                    ErrorRate = 0.0311,
                    LatencyP95 = 0.257,
                    Throughput = 1119,
                },
                History = [.. Enumerable.Range(0, analyses).Select(i => new HistoryEntry { Verdict = i % 3 == 0 ? Insufficient : verdict })],
            },
            verdict == Risky
        );

    private static readonly DemoView.Line[] Lines =
    [
        Release("v1", Ok, 12, "Error rate 0.58% vs 0.61% baseline: within the baseline's own variation (p=0.41)"),
        Release(
            "v2",
            Risky,
            60,
            "5xx rate up 1263% (0.21% → 2.85%, p<0.001) vs baseline, beyond the control's change; control up 17% (0.22% → 0.25%) [critical]"
        ),
        Release("v3", Insufficient, 3, "Not enough requests in the release window yet: 12 of the 200 needed to judge a 1 pp change"),
    ];

    private static string[] Render(int width, int height)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(
            new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(writer),
            }
        );
        console.Profile.Width = width;
        console.Profile.Height = height;
        console.Write(DemoView.Render(Lines, "+120s of ~205s · v1 serving checkout", width, height));
        return writer.ToString().TrimEnd('\n').Split('\n');
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(100, 30)]
    [InlineData(200, 50)]
    public void Every_cell_is_whole_and_the_view_fits_the_terminal(int width, int height)
    {
        var lines = Render(width, height);
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= width, $"{l.TrimEnd().Length} columns: {l}"));
        Assert.True(lines.Length <= height, $"{lines.Length} lines for a {height}-line terminal:\n{string.Join('\n', lines)}");
        // Each release's row holds its whole verdict word, score and values on one line: nothing split mid-word.
        foreach (var (version, verdict) in new[] { ("v1", Ok), ("v2", Risky), ("v3", Insufficient) })
            Assert.Contains(
                lines,
                l =>
                    l.Contains(version, StringComparison.Ordinal)
                    && l.Contains(verdict, StringComparison.Ordinal)
                    && l.Contains("3.11%", StringComparison.Ordinal)
                    && l.Contains("257 ms", StringComparison.Ordinal)
            );
        // The legend names every glyph, and glyphs differ in shape, not only in colour.
        var legend = Assert.Single(lines, l => l.StartsWith("timeline:", StringComparison.Ordinal));
        foreach (var part in new[] { "✔ " + Ok, "✖ " + Risky, "? " + Insufficient, "· awaiting confirmation" })
            Assert.Contains(part, legend, StringComparison.Ordinal);
        // The top reason of each release is shown under the table, its start intact.
        Assert.Contains(lines, l => l.StartsWith("v2: 5xx rate up 1263% (0.21% → 2.85%", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wide_terminal_also_shows_names_phases_throughput_and_the_rollback()
    {
        var text = string.Join('\n', Render(200, 50));
        foreach (var part in new[] { "checkout-v2 (v2)", "Completed", "1,119 req/s", "(rollback)" })
            Assert.Contains(part, text, StringComparison.Ordinal);
        Assert.DoesNotContain("(rollback)", string.Join('\n', Render(80, 24)), StringComparison.Ordinal); // no room at 80 columns
    }
}
