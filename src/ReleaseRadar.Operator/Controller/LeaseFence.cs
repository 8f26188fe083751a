using k8s;
using k8s.Autorest;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// The write fence of leader election. The elector notices a lost lease only at its next renew, so a replica that was
/// paused (SIGSTOP, a long GC, a frozen VM) would otherwise go on writing for seconds while another one leads. Before a
/// write, the fence re-reads the Lease whenever more than a second of real time has passed since it last confirmed it,
/// and refuses unless this replica is the holder and renewed it within the renew deadline.
/// Real time on purpose: the Lease's renewTime is written with the wall clock, whatever clock the analysis uses.
/// </summary>
public sealed class LeaseFence(IKubernetes? client, string leaseNamespace, string leaseName, string identity, TimeSpan renewDeadline)
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);
    private long _confirmedAt = long.MinValue;

    /// <summary>No leader election: a single replica, nothing to fence.</summary>
    public static LeaseFence None { get; } = new(null, "", "", "", TimeSpan.Zero);

    public async Task EnsureHeldAsync(CancellationToken ct)
    {
        if (client is null)
            return;
        var confirmed = Interlocked.Read(ref _confirmedAt);
        if (confirmed != long.MinValue && TimeProvider.System.GetElapsedTime(confirmed) < Recheck)
            return;
        k8s.Models.V1Lease lease;
        try
        {
            lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(leaseName, leaseNamespace, cancellationToken: ct);
        }
        catch (HttpOperationException e)
        {
            throw new LeadershipLostException($"cannot read Lease {leaseNamespace}/{leaseName} ({(int)e.Response.StatusCode}); not writing");
        }
        var holder = lease.Spec?.HolderIdentity;
        var renewed = lease.Spec?.RenewTime;
        var age = renewed is { } r ? DateTimeOffset.UtcNow - new DateTimeOffset(DateTime.SpecifyKind(r, DateTimeKind.Utc)) : TimeSpan.MaxValue;
        if (holder != identity)
            throw new LeadershipLostException($"Lease {leaseNamespace}/{leaseName} is held by {holder ?? "nobody"}, not {identity}; not writing");
        if (age > renewDeadline)
            throw new LeadershipLostException(
                $"Lease {leaseNamespace}/{leaseName} was last renewed {age.TotalSeconds:0.#}s ago (deadline "
                    + $"{renewDeadline.TotalSeconds:0}s); not writing"
            );
        Interlocked.Exchange(ref _confirmedAt, TimeProvider.System.GetTimestamp());
    }
}
