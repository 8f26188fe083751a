using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Core;

public sealed class StatusTests
{
    private static HistoryEntry Entry(int minute, string verdict) =>
        new()
        {
            Time = new DateTimeOffset(2026, 11, 23, 14, 0, 0, TimeSpan.Zero).AddMinutes(minute).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            Verdict = verdict,
            Assessment = verdict == "OK" ? "Ok" : "Risky",
        };

    [Fact]
    public void Appending_the_same_time_twice_replaces_instead_of_duplicating()
    {
        var history = ReleaseHistory.Append(null, Entry(3, "OK"));
        history = ReleaseHistory.Append(history, Entry(4, "OK"));
        history = ReleaseHistory.Append(history, Entry(4, StatusWire.Word(Verdict.Riesgoso)));
        Assert.Equal(2, history.Count);
        Assert.Equal(StatusWire.Word(Verdict.Riesgoso), history[^1].Verdict);
    }

    [Fact]
    public void History_stays_bounded_and_keeps_every_verdict_transition()
    {
        List<HistoryEntry>? history = null;
        var verdicts = new List<string>();
        for (var m = 0; m < 3 * 24 * 60; m++) // three days at one analysis a minute
        {
            var v = m is > 600 and < 660 or > 2000 and < 2003 ? StatusWire.Word(Verdict.Riesgoso) : "OK";
            verdicts.Add(v);
            history = ReleaseHistory.Append(history, Entry(m, v), maxEntries: 120);
        }
        Assert.InRange(history!.Count, 1, 120);
        Assert.Equal(verdicts.Count, history.Sum(h => h.Merged ?? 1));
        Assert.Equal(Entry(0, "OK").Time, history[0].Time);
        Assert.Equal(Entry(3 * 24 * 60 - 1, "OK").Time, history[^1].Time);
        var transitions = history.Zip(history.Skip(1)).Count(p => p.First.Verdict != p.Second.Verdict);
        Assert.Equal(4, transitions); // OK→risky→OK twice
        Assert.Equal(history.OrderBy(h => h.Time, StringComparer.Ordinal).Select(h => h.Time), history.Select(h => h.Time));
    }

    [Fact]
    public void A_condition_keeps_its_transition_time_while_its_status_holds()
    {
        var c = Conditions.Set(null, Conditions.Risky, false, "WithinBaseline", "fine", "2026-11-23T14:01:00Z", 1);
        c = Conditions.Set(c, Conditions.Risky, false, "WithinBaseline", "still fine", "2026-11-23T14:02:00Z", 1);
        Assert.Equal("2026-11-23T14:01:00Z", Assert.Single(c).LastTransitionTime);
        c = Conditions.Set(c, Conditions.Risky, true, "CriticalRegression", "broken", "2026-11-23T14:03:00Z", 1);
        Assert.Equal("2026-11-23T14:03:00Z", Assert.Single(c).LastTransitionTime);
        Assert.Equal("True", c[0].Status);
    }

    [Fact]
    public void A_failed_metric_source_keeps_the_verdict_and_the_history()
    {
        var previous = new ReleaseStatus
        {
            Phase = "Analyzing",
            Verdict = "OK",
            RiskScore = 3,
            History = [Entry(3, "OK"), Entry(4, "OK")],
            Reasons = ["fine"],
        };
        var status = StatusProjector.SourceFailed(
            previous,
            "PrometheusUnreachable",
            "Cannot reach Prometheus at http://x:9090/",
            DateTimeOffset.UtcNow,
            2
        );
        Assert.Equal("OK", status.Verdict);
        Assert.Equal(3, status.RiskScore);
        Assert.Equal(2, status.History!.Count);
        var condition = Assert.Single(status.Conditions!, c => c.Type == Conditions.MetricsAvailable);
        Assert.Equal("False", condition.Status);
        Assert.Equal("PrometheusUnreachable", condition.Reason);
    }

    [Fact]
    public void An_invalid_spec_keeps_what_was_recorded()
    {
        var previous = new ReleaseStatus { Verdict = StatusWire.Word(Verdict.Riesgoso), History = [Entry(3, StatusWire.Word(Verdict.Riesgoso))] };
        var status = StatusProjector.Invalid(previous, ["spec.analysis.window: 'x' is not a duration"], DateTimeOffset.UtcNow, 3);
        Assert.Equal("Invalid", status.Phase);
        Assert.Equal(StatusWire.Word(Verdict.Riesgoso), status.Verdict);
        Assert.Single(status.History!);
        var condition = Assert.Single(status.Conditions!);
        Assert.Equal(("SpecValid", "False", "InvalidSpec"), (condition.Type, condition.Status, condition.Reason));
        Assert.Contains("spec.analysis.window", condition.Message);
    }
}
