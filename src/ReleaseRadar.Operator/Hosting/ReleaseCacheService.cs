using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>Runs the replica's Release watch caches, leader or not, so the read-only API never calls the API server per request.</summary>
internal sealed class ReleaseCacheService(OperatorState state) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(state.Informers.Select(i => i.RunAsync(stoppingToken)));
}
