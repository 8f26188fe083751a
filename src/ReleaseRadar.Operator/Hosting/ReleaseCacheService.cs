using Microsoft.Extensions.Hosting;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>Runs the replica's Release watch caches, leader or not, so the read-only API never calls the API server per request.</summary>
internal sealed class ReleaseCacheService(OperatorState state) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(state.Stores.All.Select(s => s.RunAsync(stoppingToken)));
}
