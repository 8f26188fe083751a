using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Engine;

/// <summary>
/// A property over the reason generator: for random traffic (quiet and bursty services, blips, controls, regressions of
/// every size, windows from one step to thirty), every sentence's numbers agree with its words. Nothing is "below the
/// practical threshold" when it is beyond it, no rate reads above 100 %, "up" goes up and "down" goes down, a bound said
/// to hold does hold, and no value reads "n/a vs n/a" or "changed" for want of a number.
/// </summary>
public sealed partial class ReasonWordsTests
{
    private sealed record Case(
        int Seed,
        TrafficShape Baseline,
        TrafficShape Release,
        TrafficShape? Control,
        int BaselineSteps,
        int ReleaseSteps,
        int BlipAt,
        double Blip
    );

    private static readonly Gen<TrafficShape> Shape = Gen.Select(
        Gen.OneOfConst(0.5, 3.0, 20.0, 100.0, 400.0),
        Gen.Double[0, 0.05],
        Gen.Double[0, 0.02],
        Gen.Double[0.02, 0.5],
        Gen.Double[0, 0.9],
        (rps, server, client, latency, noise) =>
            new TrafficShape(Rps: rps, ErrorRate: server + client, ServerErrorRate: server, LatencyMedian: latency, ErrorNoise: noise)
    );

    private static readonly Gen<Case> Cases = Gen.Select(
        Gen.Int[1, 1_000_000],
        Shape,
        Gen.Select(Gen.Double[0.2, 60], Gen.Double[0.5, 4], Gen.OneOf(Gen.Const(0.0), Gen.Double[0.1, 3])),
        Gen.Bool,
        Gen.Select(Gen.Int[5, 90], Gen.Int[1, 30], Gen.Int[0, 89], Gen.OneOfConst(1.0, 1.0, 5.0, 50.0, 200.0)),
        (seed, baseline, change, controlled, windows) =>
        {
            var (errors, latency, load) = change;
            var release = baseline with
            {
                Rps = baseline.Rps * load,
                ServerErrorRate = Math.Min(1, baseline.ServerErrorRate * errors),
                ErrorRate = Math.Min(1, baseline.ErrorRate * errors),
                LatencyMedian = baseline.LatencyMedian * latency,
            };
            return new Case(
                seed,
                baseline,
                release,
                controlled ? baseline with { Rps = baseline.Rps * 0.7 } : null,
                windows.Item1,
                windows.Item2,
                windows.Item3,
                windows.Item4
            );
        }
    );

    private static AnalysisResult Analyze(Case c)
    {
        var blip = c.Baseline with
        {
            ServerErrorRate = Math.Min(1, c.Baseline.ServerErrorRate * c.Blip + 0.001 * c.Blip),
            ErrorRate = Math.Min(1, c.Baseline.ErrorRate * c.Blip + 0.001 * c.Blip),
        };
        var input = Inputs.BeforeAfter(
            c.Seed,
            c.Baseline,
            c.Release,
            c.Control,
            c.Control,
            baselineSteps: c.BaselineSteps,
            currentSteps: c.ReleaseSteps,
            baselineAt: i => i >= c.BlipAt && i < c.BlipAt + 3 ? blip : c.Baseline
        );
        return ReleaseAnalysisEngine.Analyze(input, AnalysisPolicy.Default);
    }

    [Fact]
    public void Every_reason_says_what_its_numbers_say()
    {
        Cases.Sample(c => Assert.All(Analyze(c).Reasons, CheckSentence), iter: 200, threads: 1);
    }

    private static void CheckSentence(string reason)
    {
        Assert.DoesNotContain("n/a vs n/a", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("(changed)", reason, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"NaN|Infinity|∞", reason);
        // A rate or a share is never above 100 %; only a change ("up 540%") may be.
        foreach (Match m in Percent().Matches(reason))
            if (!m.Groups["change"].Success)
                Assert.True(Number(m.Groups["n"].Value) <= 100, $"a rate above 100%: {reason}");
        if (Values().Match(reason) is not { Success: true } v)
            return;
        var (a, b) = (Scaled(v.Groups["a"].Value, v.Groups["au"].Value), Scaled(v.Groups["b"].Value, v.Groups["bu"].Value));
        var head = reason[..v.Index];
        // Text rounds: a value shown as 0.23% may be 0.2349%, so agreement is checked beyond that rounding.
        var rounding = 0.02 * Math.Max(a, b) + 1e-9;
        if (head.Contains(" up ", StringComparison.Ordinal))
            Assert.True(b >= a - rounding, $"'up' where the value fell: {reason}");
        if (head.Contains(" down ", StringComparison.Ordinal))
            Assert.True(b <= a + rounding, $"'down' where the value rose: {reason}");
        if (Threshold().Match(reason) is { Success: true } t && reason.Contains("below the practical threshold", StringComparison.Ordinal))
        {
            var ratio = Number(t.Groups["r"].Value);
            var increase = Scaled(t.Groups["i"].Value, t.Groups["iu"].Value == "pp" ? "%" : t.Groups["iu"].Value);
            Assert.False(b > ratio * a + rounding && b - a > increase + rounding, $"'below the threshold' beyond it: {reason}");
        }
        if (Bound().Match(reason) is { Success: true } bound)
            Assert.True(b <= Scaled(bound.Groups["x"].Value, bound.Groups["xu"].Value) + rounding, $"a bound said to hold that does not: {reason}");
    }

    private static double Number(string text) => double.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    private static double Scaled(string number, string unit) =>
        Number(number)
        * unit.Trim() switch
        {
            "%" => 0.01,
            "ms" => 0.001,
            _ => 1,
        };

    [GeneratedRegex(@"(?<change>(?:up|down) )?(?<n>[\d,]+(?:\.\d+)?)%")]
    private static partial Regex Percent();

    [GeneratedRegex(@"\((?<a>[\d,]+(?:\.\d+)?)(?<au>%| ms| s| req/s) → (?<b>[\d,]+(?:\.\d+)?)(?<bu>%| ms| s| req/s)")]
    private static partial Regex Values();

    [GeneratedRegex(@"≥(?<r>[\d.]+)× and \+(?<i>[\d.]+) ?(?<iu>pp|ms|s)")]
    private static partial Regex Threshold();

    [GeneratedRegex(@"chance alone takes one to (?<x>[\d,]+(?:\.\d+)?)(?<xu>%| ms| s)")]
    private static partial Regex Bound();
}
