using Microsoft.Extensions.Time.Testing;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.UnitTests.Operator;

/// <summary>The work queue's guarantees, in client-go's terms, on a fake clock: nothing here waits in real time.</summary>
public sealed class WorkQueueTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_added_many_times_waits_once()
    {
        using var q = new WorkQueue<string>(new FakeTimeProvider());
        q.Add("a");
        q.Add("b");
        q.Add("a");
        q.Add("a");
        Assert.Equal(2, q.Length);
        Assert.Equal("a", await q.TakeAsync(Ct));
        Assert.Equal("b", await q.TakeAsync(Ct));
        Assert.Equal(0, q.Length); // nothing to take: no timed wait needed to tell
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_out_again_until_done_then_comes_back_once()
    {
        using var q = new WorkQueue<string>(new FakeTimeProvider());
        q.Add("a");
        Assert.Equal("a", await q.TakeAsync(Ct));
        q.Add("a");
        q.Add("a"); // changed while a worker holds it
        Assert.Equal(0, q.Length); // nothing to take: no timed wait needed to tell
        q.Done("a");
        Assert.Equal("a", await q.TakeAsync(Ct));
        q.Done("a");
        Assert.Equal(0, q.Length); // nothing to take: no timed wait needed to tell
    }

    [Fact]
    public async Task Delayed_adds_keep_the_earliest_due_time()
    {
        var clock = new FakeTimeProvider();
        using var q = new WorkQueue<string>(clock);
        q.AddAfter("a", TimeSpan.FromSeconds(60));
        q.AddAfter("a", TimeSpan.FromSeconds(10));
        q.AddAfter("a", TimeSpan.FromSeconds(30));
        Assert.Equal(1, q.Delayed);
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, q.Length); // nothing to take: no timed wait needed to tell
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("a", await q.TakeAsync(Ct));
        q.Done("a");
        clock.Advance(TimeSpan.FromSeconds(60)); // the later timers were dropped, not left to fire again
        Assert.Equal(0, q.Length); // nothing to take: no timed wait needed to tell
    }

    [Fact]
    public void Failures_back_off_exponentially_per_key_up_to_five_minutes_and_forget_resets()
    {
        using var q = new WorkQueue<string>(new FakeTimeProvider());
        var delays = Enumerable.Range(0, 12).Select(_ => q.AddRateLimited("a").TotalSeconds).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300], delays);
        Assert.Equal(1, q.AddRateLimited("b").TotalSeconds); // per key
        q.Forget("a");
        Assert.Equal(1, q.AddRateLimited("a").TotalSeconds);
    }

    [Fact]
    public void A_conflict_backs_off_from_its_own_first_delay_and_shares_the_keys_count()
    {
        var clock = new FakeTimeProvider();
        using var q = new WorkQueue<string>(clock);
        var delays = Enumerable.Range(0, 4).Select(_ => q.AddRateLimited("a", TimeSpan.FromMilliseconds(50)).TotalMilliseconds).ToList();
        Assert.Equal([50, 100, 200, 400], delays);
        clock.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal(0, q.Length);
        clock.Advance(TimeSpan.FromMilliseconds(1)); // the earliest due time wins
        Assert.Equal(1, q.Length);
    }
}
