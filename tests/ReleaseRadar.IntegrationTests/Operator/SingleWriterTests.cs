using k8s;
using k8s.Models;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// The write fence against the API test server: a replica writes only while the Lease says it holds it and renewed it
/// within the deadline. This is the state a paused leader wakes up to: another holder, or its own stale renewal.
/// </summary>
public sealed class SingleWriterTests
{
    private static async Task PutLeaseAsync(IKubernetes client, string holder, DateTime renewed, CancellationToken ct)
    {
        var lease = new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "release-radar-leader", NamespaceProperty = "default" },
            Spec = new V1LeaseSpec
            {
                HolderIdentity = holder,
                RenewTime = renewed,
                AcquireTime = renewed,
                LeaseDurationSeconds = 3,
            },
        };
        try
        {
            await client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "default", cancellationToken: ct);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            var current = await client.CoordinationV1.ReadNamespacedLeaseAsync("release-radar-leader", "default", cancellationToken: ct);
            current.Spec = lease.Spec;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(current, "release-radar-leader", "default", cancellationToken: ct);
        }
    }

    [Fact]
    public async Task A_replica_writes_only_while_it_holds_a_fresh_lease()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var h = await OperatorHarness.StartAsync();
        var client = h.Client();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var fence = new LeaseFence(client, "default", "release-radar-leader", "replica-a", TimeSpan.FromSeconds(2), clock);
        DateTime Now() => clock.GetUtcNow().UtcDateTime;

        await PutLeaseAsync(client, "replica-a", Now(), ct);
        await fence.EnsureHeldAsync(ct); // held and fresh: writes go ahead
        await PutLeaseAsync(client, "replica-b", Now(), ct);
        await fence.EnsureHeldAsync(ct); // within a second of confirming it, the Lease is not read again

        clock.Advance(TimeSpan.FromSeconds(1.1)); // past the re-check period, as after a pause
        var taken = await Assert.ThrowsAsync<LeadershipLostException>(() => fence.EnsureHeldAsync(ct));
        Assert.Contains("held by replica-b, not replica-a", taken.Message);
        Assert.False(await fence.HoldsAsync(ct));

        await PutLeaseAsync(client, "replica-a", Now().AddSeconds(-5), ct);
        var stale = await Assert.ThrowsAsync<LeadershipLostException>(() => fence.EnsureHeldAsync(ct));
        Assert.Contains("last renewed 5s ago", stale.Message);

        await PutLeaseAsync(client, "replica-a", Now(), ct);
        await fence.EnsureHeldAsync(ct); // confirmed again: writing resumes
        Assert.True(await fence.HoldsAsync(ct));
        await LeaseFence.None.EnsureHeldAsync(ct); // without leader election there is nothing to fence
    }
}
