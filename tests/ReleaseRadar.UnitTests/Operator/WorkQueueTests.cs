using Microsoft.Extensions.Time.Testing;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.UnitTests.Operator;

/// <summary>The work queue's guarantees, in client-go's terms, on a fake clock.</summary>
public sealed class WorkQueueTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static async Task<string?> TakeOrNull(WorkQueue<string> q)
    {
        using var quick = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        quick.CancelAfter(TimeSpan.FromMilliseconds(200));
        try
        {
            return await q.TakeAsync(quick.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

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
        Assert.Null(await TakeOrNull(q));
    }

    [Fact]
    public async Task A_key_being_processed_is_not_handed_out_again_until_done_then_comes_back_once()
    {
        using var q = new WorkQueue<string>(new FakeTimeProvider());
        q.Add("a");
        Assert.Equal("a", await q.TakeAsync(Ct));
        q.Add("a");
        q.Add("a"); // changed while a worker holds it
        Assert.Null(await TakeOrNull(q));
        q.Done("a");
        Assert.Equal("a", await q.TakeAsync(Ct));
        q.Done("a");
        Assert.Null(await TakeOrNull(q));
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
        Assert.Null(await TakeOrNull(q));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("a", await q.TakeAsync(Ct));
        q.Done("a");
        clock.Advance(TimeSpan.FromSeconds(60)); // the later timers were dropped, not left to fire again
        Assert.Null(await TakeOrNull(q));
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
}
