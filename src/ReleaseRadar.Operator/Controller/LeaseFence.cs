using k8s;
using k8s.Autorest;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// The write fence of leader election. The elector notices a lost lease only at its next renew, so a replica that was
/// paused (SIGSTOP, a long GC, a frozen VM) would otherwise go on writing for seconds while another one leads. Before a
/// write, the fence re-reads the Lease whenever more than a second has passed since it last confirmed it, and refuses
/// unless this replica is the holder and renewed it within the renew deadline.
/// The clock must be the wall clock the Lease's renewTime is written with (the operator passes the system's, whatever
/// clock the analysis uses); tests pass a fake one.
/// </summary>
internal sealed class LeaseFence(
    IKubernetes? client,
    string leaseNamespace,
    string leaseName,
    string identity,
    TimeSpan renewDeadline,
    TimeProvider clock
)
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);
    private long _confirmedAt = long.MinValue;

    /// <summary>No leader election: a single replica, nothing to fence.</summary>
    public static LeaseFence None { get; } = new(null, "", "", "", TimeSpan.Zero, TimeProvider.System);

    /// <summary>Whether this replica holds the lease now (checked as <see cref="EnsureHeldAsync"/> does).</summary>
    public async Task<bool> HoldsAsync(CancellationToken ct) => await RefusalAsync(ct) is null;

    /// <summary>Throws <see cref="LeadershipLostException"/>, saying why, unless this replica holds the lease now.</summary>
    public async Task EnsureHeldAsync(CancellationToken ct)
    {
        if (await RefusalAsync(ct) is { } why)
            throw new LeadershipLostException(why);
    }

    private async Task<string?> RefusalAsync(CancellationToken ct)
    {
        if (client is null)
            return null;
        var confirmed = Interlocked.Read(ref _confirmedAt);
        if (confirmed != long.MinValue && clock.GetElapsedTime(confirmed) < Recheck)
            return null;
        k8s.Models.V1Lease lease;
        try
        {
            lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(leaseName, leaseNamespace, cancellationToken: ct);
        }
        catch (HttpOperationException e)
        {
            return $"cannot read Lease {leaseNamespace}/{leaseName} ({(int)e.Response.StatusCode}); not writing";
        }
        var holder = lease.Spec?.HolderIdentity;
        var renewed = lease.Spec?.RenewTime;
        var age = renewed is { } r ? clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(r, DateTimeKind.Utc)) : TimeSpan.MaxValue;
        if (holder != identity)
            return $"Lease {leaseNamespace}/{leaseName} is held by {holder ?? "nobody"}, not {identity}; not writing";
        if (age > renewDeadline)
            return $"Lease {leaseNamespace}/{leaseName} was last renewed {age.TotalSeconds:0.#}s ago "
                + $"(deadline {renewDeadline.TotalSeconds:0}s); not writing";
        Interlocked.Exchange(ref _confirmedAt, clock.GetTimestamp());
        return null;
    }
}
