using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.Operator.Kubernetes;

/// <summary>
/// The one view of Deployments the operator keeps, per watched namespace (or all): a list-then-watch cache that the
/// reconciler reads a Release's target from, instead of a GET per reconcile, and whose events drive auto-tracking and
/// a reconcile of the Releases that target a changed Deployment. managedFields are dropped, as controller-runtime's
/// caches do.
/// </summary>
internal sealed class DeploymentInformer(IKubernetes client, string? ns, OperatorMetrics metrics, ILogger logger, TimeSpan watchTimeout)
{
    private readonly ConcurrentDictionary<string, V1Deployment> _cache = new();
    private readonly List<Func<WatchEventType, V1Deployment, CancellationToken, Task>> _handlers = [];
    private volatile bool _synced;

    public bool Synced => _synced;

    public bool Covers(string? deploymentNamespace) => ns is null || deploymentNamespace == ns;

    public IEnumerable<V1Deployment> Items => _cache.Values;

    /// <summary>The cached Deployment, or null when it does not exist (or this informer does not watch its namespace).</summary>
    public V1Deployment? Get(string deploymentNamespace, string name) => _cache.GetValueOrDefault(Key(deploymentNamespace, name));

    /// <summary>
    /// Adds a handler of every event, and of every Deployment at each list. Handlers run in order; one failing does not
    /// stop the next.
    /// </summary>
    public void Subscribe(Func<WatchEventType, V1Deployment, CancellationToken, Task> handler)
    {
        lock (_handlers)
            _handlers.Add(handler);
    }

    public Task RunAsync(CancellationToken ct) =>
        ListWatchLoop.RunAsync<V1Deployment>(
            async token =>
            {
                var list = ns is null
                    ? await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: token)
                    : await client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: token);
                var seen = new HashSet<string>();
                foreach (var d in list.Items)
                {
                    seen.Add(Key(d));
                    await ApplyAsync(WatchEventType.Added, d, token);
                }
                foreach (var gone in _cache.Where(kv => !seen.Contains(kv.Key)).ToList())
                    await ApplyAsync(WatchEventType.Deleted, gone.Value, token);
                _synced = true;
                return list.Metadata.ResourceVersion;
            },
            (version, onError, token) =>
                ns is null
                    ? client.AppsV1.WatchListDeploymentForAllNamespacesAsync(
                        allowWatchBookmarks: true,
                        resourceVersion: version,
                        timeoutSeconds: (int)watchTimeout.TotalSeconds,
                        onError: onError,
                        cancellationToken: token
                    )
                    : client.AppsV1.WatchListNamespacedDeploymentAsync(
                        ns,
                        allowWatchBookmarks: true,
                        resourceVersion: version,
                        timeoutSeconds: (int)watchTimeout.TotalSeconds,
                        onError: onError,
                        cancellationToken: token
                    ),
            async (type, d, token) =>
            {
                if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                    await ApplyAsync(type, d, token);
                return d.Metadata?.ResourceVersion;
            },
            "Deployments",
            logger,
            cause => metrics.WatchRestarts.WithLabels("deployments_" + cause).Inc(),
            ct
        );

    private async Task ApplyAsync(WatchEventType type, V1Deployment d, CancellationToken ct)
    {
        if (d.Metadata is null)
            return;
        d.Metadata.ManagedFields = null;
        if (type == WatchEventType.Deleted)
            _cache.TryRemove(Key(d), out _);
        else
            _cache[Key(d)] = d;
        Func<WatchEventType, V1Deployment, CancellationToken, Task>[] handlers;
        lock (_handlers)
            handlers = [.. _handlers];
        foreach (var handle in handlers)
        {
            try
            {
                await handle(type, d, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One Deployment a handler cannot take must never stop the others, nor the watch: say which and why.
                logger.LogError(e, "Handling Deployment {Ns}/{Name} failed: {Error}", d.Metadata.NamespaceProperty, d.Metadata.Name, e.Message);
                metrics.DeploymentHandlerErrors.Inc();
            }
        }
    }

    private static string Key(V1Deployment d) => Key(d.Metadata.NamespaceProperty ?? "default", d.Metadata.Name);

    private static string Key(string deploymentNamespace, string name) => deploymentNamespace + "/" + name;
}
