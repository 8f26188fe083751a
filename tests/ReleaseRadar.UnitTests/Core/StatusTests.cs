using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Core;

/// <summary>The typed state's rules: the bounded history, the conditions' transition times, what a failure keeps.</summary>
public sealed class StatusTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    private static TimelinePoint Point(int minute, Verdict verdict) =>
        new(
            Start.AddMinutes(minute),
            null,
            verdict,
            verdict == Verdict.Ok ? Assessment.Ok : Assessment.Risky,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null
        );

    [Fact]
    public void Appending_the_same_time_twice_replaces_instead_of_duplicating()
    {
        var history = ReleaseHistory.Append([], Point(3, Verdict.Ok));
        history = ReleaseHistory.Append(history, Point(4, Verdict.Ok));
        history = ReleaseHistory.Append(history, Point(4, Verdict.Risky));
        Assert.Equal(2, history.Length);
        Assert.Equal(Verdict.Risky, history[^1].Verdict);
    }

    [Fact]
    public void History_stays_bounded_and_keeps_every_verdict_transition()
    {
        System.Collections.Immutable.ImmutableArray<TimelinePoint> history = [];
        var verdicts = new List<Verdict>();
        for (var m = 0; m < 3 * 24 * 60; m++) // three days at one analysis a minute
        {
            var v = m is > 600 and < 660 or > 2000 and < 2003 ? Verdict.Risky : Verdict.Ok;
            verdicts.Add(v);
            history = ReleaseHistory.Append(history, Point(m, v), maxEntries: 120);
        }
        Assert.InRange(history.Length, 1, 120);
        Assert.Equal(verdicts.Count, history.Sum(h => h.Merged ?? 1));
        Assert.Equal(Point(0, Verdict.Ok).At, history[0].At);
        Assert.Equal(Point(3 * 24 * 60 - 1, Verdict.Ok).At, history[^1].At);
        var transitions = history.Zip(history.Skip(1)).Count(p => p.First.Verdict != p.Second.Verdict);
        Assert.Equal(4, transitions); // OK→risky→OK twice
        Assert.Equal(history.OrderBy(h => h.At).Select(h => h.At), history.Select(h => h.At));
    }

    [Fact]
    public void A_condition_keeps_its_transition_time_while_its_status_holds()
    {
        var c = Conditions.Set([], ConditionType.Risky, false, "WithinBaseline", "fine", Start.AddMinutes(1), 1);
        c = Conditions.Set(c, ConditionType.Risky, false, "WithinBaseline", "still fine", Start.AddMinutes(2), 1);
        Assert.Equal(Start.AddMinutes(1), Assert.Single(c).LastTransition);
        c = Conditions.Set(c, ConditionType.Risky, true, "CriticalRegression", "broken", Start.AddMinutes(3), 1);
        Assert.Equal(Start.AddMinutes(3), Assert.Single(c).LastTransition);
        Assert.True(c[0].Holds);
    }

    [Fact]
    public void A_failed_metric_source_keeps_the_verdict_and_the_history()
    {
        var previous = new ReleaseState
        {
            Phase = ReleasePhase.Analyzing,
            Verdict = Verdict.Ok,
            RiskScore = 3,
            History = [Point(3, Verdict.Ok), Point(4, Verdict.Ok)],
            Reasons = ["fine"],
        };
        var state = StatusProjector.SourceFailed(previous, "PrometheusUnreachable", "Cannot reach Prometheus at http://x:9090/", Start, 2);
        Assert.Equal(Verdict.Ok, state.Verdict);
        Assert.Equal(3, state.RiskScore);
        Assert.Equal(2, state.History.Length);
        var condition = Assert.Single(state.Conditions, c => c.Type == ConditionType.MetricsAvailable);
        Assert.False(condition.Holds);
        Assert.Equal("PrometheusUnreachable", condition.Reason);
    }

    [Fact]
    public void An_invalid_spec_keeps_what_was_recorded()
    {
        var previous = new ReleaseState { Verdict = Verdict.Risky, History = [Point(3, Verdict.Risky)] };
        var state = StatusProjector.Invalid(previous, ["spec.analysis.window: 'x' is not a duration"], Start, 3);
        Assert.Equal(ReleasePhase.Invalid, state.Phase);
        Assert.Equal(Verdict.Risky, state.Verdict);
        Assert.Single(state.History);
        var condition = Assert.Single(state.Conditions);
        Assert.Equal((ConditionType.SpecValid, (bool?)false, "InvalidSpec"), (condition.Type, condition.Holds, condition.Reason));
        Assert.Contains("spec.analysis.window", condition.Message);
    }
}
