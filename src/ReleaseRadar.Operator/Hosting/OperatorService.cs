using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.Operator.Hosting;

internal sealed class OperatorService(
    OperatorOptions options,
    IKubernetes client,
    TimeProvider clock,
    OperatorMetrics metrics,
    OperatorState state,
    ILoggerFactory loggers
) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<OperatorService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        state.Electing = true;
        if (options.StatusSeal.Ephemeral)
            _logger.LogWarning(
                "No --status-seal-key-file: statuses are sealed under a key made for this process, so after a restart every status is "
                    + "re-derived once and its history starts over (the chart mounts a key from a Secret)"
            );
        if (!options.LeaderElection)
        {
            await LeadAsync(stoppingToken);
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var lease = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
            using var elector = new LeaderElector(
                new LeaderElectionConfig(lease)
                {
                    LeaseDuration = options.LeaseDuration,
                    RenewDeadline = options.RenewDeadline,
                    RetryPeriod = options.RetryPeriod,
                }
            );
            CancellationTokenSource? leading = null;
            Task? work = null;
            // OnStartedLeading is raised inside the elector's renew loop: start the work elsewhere, never block here.
            elector.OnStartedLeading += () =>
            {
                leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var token = leading.Token;
                work = Task.Run(() => LeadAsync(token), CancellationToken.None);
            };
            elector.OnStoppedLeading += () => leading?.Cancel();
            elector.OnNewLeader += id => _logger.LogInformation("Leader is now {Identity}", id);
            elector.OnError += e => _logger.LogWarning("Leader election: {Error}", e.Message);
            try
            {
                await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
            catch (Exception e)
            {
                _logger.LogWarning("Leader election loop ended: {Error}", e.Message);
            }
            leading?.Cancel();
            if (work is not null)
                await work;
            leading?.Dispose();
            // Stopping after leading (its controller has stopped): hand the Lease back, as client-go's ReleaseOnCancel does,
            // so the next replica takes over at its next retry instead of waiting out the lease.
            if (work is not null && stoppingToken.IsCancellationRequested)
                await ReleaseLeaseAsync();
            try
            {
                await Task.Delay(options.RetryPeriod, stoppingToken);
            }
            catch (OperationCanceledException) { } // stopping: the loop condition ends it
        }
    }

    private async Task ReleaseLeaseAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2)); // shutdown must not hang on it
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(
                options.LeaseName,
                options.LeaseNamespace,
                cancellationToken: limit.Token
            );
            if (lease.Spec?.HolderIdentity != options.Identity)
                return;
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = clock.GetUtcNow().UtcDateTime;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.LeaseNamespace, cancellationToken: limit.Token);
            _logger.LogInformation("{Identity} released the leader Lease", options.Identity);
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            // A conflict means someone else holds it already; otherwise it simply expires.
            _logger.LogWarning("Could not release the leader Lease ({Error}); it expires on its own", e.Message);
        }
    }

    private async Task LeadAsync(CancellationToken ct)
    {
        _logger.LogInformation("{Identity} is leading", options.Identity);
        state.Leading = true;
        metrics.Leader.Set(1);
        await using var controller = new ReleaseController(client, state.Stores, options, metrics, clock, loggers);
        state.Controller = controller;
        try
        {
            await controller.RunAsync(ct);
        }
        finally
        {
            state.Controller = null;
            state.Leading = false;
            metrics.Leader.Set(0);
            _logger.LogInformation("{Identity} stopped leading", options.Identity);
        }
    }
}
