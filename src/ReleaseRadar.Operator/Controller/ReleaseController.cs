using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Operator.Kubernetes;
using ReleaseRadar.Operator.Reconcile;
using ReleaseRadar.Operator.Store;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// The controller proper: the Release stores fill one de-duplicating work queue, a bounded set of workers runs Reconcile(key),
/// requeues at each Release's next interval, and a periodic resync re-enqueues everything. Runs only while leading.
/// </summary>
internal sealed class ReleaseController : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly OperatorOptions _options;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly PrometheusClient _prometheus;
    private readonly HttpClient _http = WebhookNotifier.CreateHttpClient();
    private readonly ReleaseStores _stores;
    private WorkQueue<string>? _queue;

    // Which Release came before which on each target: seeded from the cache before the workers start, then kept by them.
    private readonly Reconcile.ReleaseLineage _lineage = new();

    /// <summary>Keys waiting for their next interval (the requeue-after timers).</summary>
    public int DelayedKeys => _queue?.Delayed ?? 0;

    /// <param name="stores">The replica's Release stores (one per watched namespace, or one for all); the controller attaches its queue to
    /// them.</param>
    public ReleaseController(
        IKubernetes client,
        ReleaseStores stores,
        OperatorOptions options,
        OperatorMetrics metrics,
        TimeProvider clock,
        ILoggerFactory loggers
    )
    {
        _stores = stores;
        _client = client;
        _options = options;
        _metrics = metrics;
        _clock = clock;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ReleaseController>();
        _prometheus = new PrometheusClient(options.Prometheus);
        _prometheus.QueryFailed += reason => metrics.PrometheusQueryErrors.WithLabels(reason).Inc();
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var queue = new WorkQueue<string>(_clock);
        _queue = queue;
        var scopes = _options.Namespaces.Count == 0 ? [null] : _options.Namespaces.Select(n => (string?)n).ToList();
        var deployments = new DeploymentInformers([
            .. scopes.Select(ns => new DeploymentInformer(_client, ns, _metrics, _loggers.CreateLogger<DeploymentInformer>(), _options.WatchTimeout)),
        ]);
        var prometheusSource = new PrometheusReleaseSource(_prometheus, new PopulationBatcher(_prometheus, _clock));
        await using var services = Wire(deployments, prometheusSource);
        var webhook = services.GetService<WebhookNotifier>();
        var reconciler = services.GetRequiredService<ReleaseReconciler>();
        // A Deployment that changes (a rollout, a rollback, our own Undo) is news for every Release that targets it.
        foreach (var informer in deployments.All)
            informer.Subscribe(
                (_, d, _) =>
                {
                    foreach (var key in _lineage.KeysOf(d.Metadata.NamespaceProperty ?? "default", d.Metadata.Name))
                        queue.Add(key);
                    return Task.CompletedTask;
                }
            );
        if (_options.AutoTrack)
        {
            var tracker = services.GetRequiredService<DeploymentTracker>();
            foreach (var informer in deployments.All)
                informer.Subscribe(tracker.HandleAsync);
        }

        // As controller-runtime does, workers start once the caches have synced: here so that the batcher can first learn
        // every cached Release's populations, and the first interval after a start costs few queries, not two per population.
        var tasks = deployments.All.Select(i => i.RunAsync(ct)).ToList();
        await WaitForSyncAsync(deployments, ct);
        ExpectPopulations(prometheusSource);
        foreach (var store in _stores.All)
            store.Attach(queue.Add);
        for (var n = 0; n < Math.Max(1, _options.Concurrency); n++)
            tasks.Add(WorkerAsync(queue, reconciler, ct));
        tasks.Add(ResyncAsync(ct));
        if (webhook is not null)
            tasks.Add(webhook.RunAsync(ct));
        tasks.Add(GaugesAsync(queue, ct));
        _logger.LogInformation(
            "Controller started: {Scope}, {Workers} workers",
            scopes[0] is null ? "all namespaces" : string.Join(",", scopes),
            _options.Concurrency
        );
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            foreach (var store in _stores.All)
                store.Attach(null);
        }
        _logger.LogInformation("Controller stopped");
    }

    /// <summary>The reconciler and what it is made of, wired by the container rather than by hand.</summary>
    private ServiceProvider Wire(DeploymentInformers deployments, PrometheusReleaseSource prometheusSource)
    {
        var services = new ServiceCollection()
            .AddSingleton(_client)
            .AddSingleton(_stores)
            .AddSingleton(deployments)
            .AddSingleton(_options)
            .AddSingleton(_metrics)
            .AddSingleton(_clock)
            .AddSingleton(_loggers)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddSingleton(new MemoizingMetricSource(prometheusSource))
            .AddSingleton(sp => new ReleaseAnalyzer(sp.GetRequiredService<MemoizingMetricSource>()))
            .AddSingleton(new DeploymentActions(_client, _clock))
            .AddSingleton(new ReleaseEvents(_client, _clock, _options.Identity, _loggers.CreateLogger<ReleaseEvents>()))
            .AddSingleton<ReleasePublisher>()
            .AddSingleton(_lineage)
            .AddSingleton<DeploymentTracker>()
            .AddSingleton<ReleaseReconciler>()
            .AddSingleton(
                _options.LeaderElection
                    ? new LeaseFence(
                        _client,
                        _options.LeaseNamespace,
                        _options.LeaseName,
                        _options.Identity,
                        _options.RenewDeadline,
                        TimeProvider.System
                    )
                    : LeaseFence.None
            );
        if (_options.WebhookSecret is { } w && w.Split('/') is [var wns, var wname])
            services.AddSingleton(
                new WebhookNotifier(_client, _http, wns, wname, _options.WebhookAllowedHosts, _clock, _loggers.CreateLogger<WebhookNotifier>())
            );
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private async Task WaitForSyncAsync(DeploymentInformers deployments, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(_stores.Synced && deployments.Synced) && !ct.IsCancellationRequested)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                // The informer reports its own list failures; the workers start anyway and read what is there.
                _logger.LogWarning(
                    "Release and Deployment caches not synced after {Seconds:0} s; starting the workers anyway",
                    waited.Elapsed.TotalSeconds
                );
                return;
            }
            try
            {
                await Task.Delay(100, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void ExpectPopulations(PrometheusReleaseSource source)
    {
        var now = _clock.GetUtcNow();
        var count = 0;
        foreach (var release in _stores.Items)
        {
            _lineage.Record(release.Subject, release.State);
            if (ReleasePlanner.Plan(release.Subject, _options.Defaults).Plan is { } plan)
            {
                source.Expect(plan, AnalysisSchedule.At(plan, now));
                count++;
            }
        }
        _logger.LogInformation("Expecting the traffic of {Count} cached Releases in batched queries", count);
    }

    private async Task WorkerAsync(WorkQueue<string> queue, ReleaseReconciler reconciler, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            string? key;
            try
            {
                key = await queue.TakeAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (key is null)
                continue;
            try
            {
                var result = await reconciler.ReconcileAsync(key, ct);
                if (result.RetryBecause is { } why)
                {
                    // As controller-runtime requeues an error: on the key's backoff, so nothing can loop hot.
                    var delay = queue.AddRateLimited(key, result.RetryFrom);
                    _logger.LogWarning("Reconcile of {Key} is retried in {Delay}: {Why}", key, delay, why);
                }
                else
                {
                    queue.Forget(key);
                    if (result.RequeueAfter is { } after)
                        queue.AddAfter(key, after);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (LeadershipLostException e)
            {
                // Not an error of the Release: this replica is about to stop leading; the new leader takes the key.
                queue.AddRateLimited(key);
                _metrics.Reconciles.WithLabels("not_leading").Inc();
                _logger.LogWarning("Reconcile of {Key} stopped before writing: {Reason}", key, e.Message);
            }
            catch (Exception e)
            {
                // One broken Release must never stop the others, nor spin: back off per key.
                var delay = queue.AddRateLimited(key);
                _metrics.Reconciles.WithLabels("error").Inc();
                _logger.LogError(e, "Reconcile of {Key} failed; retrying in {Delay}", key, delay);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.ResyncPeriod, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                foreach (var store in _stores.All)
                {
                    store.Resync();
                    store.Relist();
                }
        }
        catch (OperationCanceledException) { }
    }

    private async Task GaugesAsync(WorkQueue<string> queue, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), _clock);
        try
        {
            do
            {
                _metrics.QueueDepth.Set(queue.Length);
                _metrics.QueueDelayed.Set(queue.Delayed);
                var counts = _stores.Items.GroupBy(r => r.Status?.Verdict ?? "none").ToDictionary(g => g.Key, g => g.Count());
                foreach (var v in StatusWire.VerdictWords.Append("none"))
                    _metrics.ReleasesByVerdict.WithLabels(v).Set(counts.GetValueOrDefault(v));
                _metrics.PrometheusQueries.IncTo(_prometheus.QueriesSent);
                _metrics.PrometheusQueryBytes.IncTo(_prometheus.QueryBytesSent);
                _metrics.PrometheusResponseBytes.IncTo(_prometheus.ResponseBytesRead);
                _metrics.PrometheusLargestQuery.Set(_prometheus.LargestQueryBytes);
            } while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) { }
    }

    public ValueTask DisposeAsync()
    {
        _prometheus.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
