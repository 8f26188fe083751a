using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Operator.Reconcile;
using ReleaseRadar.UnitTests.Core;
using ReleaseRadar.UnitTests.Engine;

namespace ReleaseRadar.UnitTests.Operator;

public sealed class MemoizingMetricSourceTests
{
    [Fact]
    public async Task A_retry_with_a_fresh_plan_of_the_same_spec_reuses_the_fetch_and_a_changed_selector_does_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var inner = new ScriptedSource(new TrafficShape(Rps: 40), new TrafficShape(Rps: 40), TimeSpan.MaxValue);
        var memo = new MemoizingMetricSource(inner);
        var at = DateTimeOffset.Parse("2026-11-23T14:20:00Z", System.Globalization.CultureInfo.InvariantCulture);

        // Each reconcile plans again, so the plans are equal in content but not the same objects.
        var first = ReleasePlanner.Plan(PlannerTests.Valid().Subject).Plan!;
        var again = ReleasePlanner.Plan(PlannerTests.Valid().Subject).Plan!;
        Assert.NotSame(first.Selector, again.Selector);
        await memo.FetchAsync(first, AnalysisSchedule.At(first, at), ct);
        await memo.FetchAsync(again, AnalysisSchedule.At(again, at), ct);
        Assert.Equal(1, inner.Calls);

        var moved = PlannerTests.Valid();
        moved.Spec!.Selector!["service"] = "catalog";
        var other = ReleasePlanner.Plan(moved.Subject).Plan!;
        await memo.FetchAsync(other, AnalysisSchedule.At(other, at), ct);
        Assert.Equal(2, inner.Calls);
        await memo.FetchAsync(other, AnalysisSchedule.At(other, at.AddMinutes(1)), ct); // the next interval is a new window
        Assert.Equal(3, inner.Calls);
    }
}
