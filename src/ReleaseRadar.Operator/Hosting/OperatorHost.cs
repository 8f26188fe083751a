using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Operator.Store;
using ReleaseRadar.Operator.Store.Fast;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// The operator process: a generic host with the controller behind leader election (a Lease, through KubernetesClient's
/// LeaderElector), one Release watch cache per replica, and HTTP: /metrics, /healthz, /readyz, the read-only API, its
/// OpenAPI document and the timeline page.
/// </summary>
public static class OperatorHost
{
    public static WebApplication Build(
        OperatorOptions options,
        IKubernetes client,
        TimeProvider? clock = null,
        Action<ILoggingBuilder>? logging = null
    ) => Build(options, _ => client, clock, logging);

    /// <param name="connect">Makes the Kubernetes client once logging is set up, so the client's own messages (throttling) are logged.</param>
    public static WebApplication Build(
        OperatorOptions options,
        Func<ILogger, IKubernetes> connect,
        TimeProvider? clock = null,
        Action<ILoggingBuilder>? logging = null
    )
    {
        clock ??= TimeProvider.System;
        IKubernetes? client = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://" + options.Listen);
        builder.Logging.ClearProviders();
        if (logging is not null)
            logging(builder.Logging);
        else
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        var metrics = new OperatorMetrics();
        // One watch and one cache of Releases per replica, for the read-only API and, while leading, for the controller.
        // Made before any hosted service starts, so the controller always finds them; the client is made below.
        var stores = new List<IReleaseStore>();
        var state = new OperatorState { Stores = new ReleaseStores(stores, options.StatusSeal) };

        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(state);
        builder.Services.AddHostedService(sp => new OperatorService(
            options,
            client!,
            clock,
            metrics,
            state,
            sp.GetRequiredService<ILoggerFactory>()
        ));
        builder.Services.AddHostedService(_ => new StoreService(state));
        builder.Services.AddOpenApi();
        ReadOnlySite.AddServices(builder.Services);
        var app = builder.Build();
        client = connect(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ReleaseRadar.Kubernetes"));

        var storeLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<IReleaseStore>();
        foreach (var ns in options.Namespaces.Count == 0 ? [null] : options.Namespaces.Select(n => (string?)n))
            stores.Add(
                options.Store == ReleaseStoreKind.Plain
                    ? new PlainReleaseStore(client, ns, metrics, storeLogger, options.WatchTimeout, options.StatusSeal)
                    : new PackedReleaseStore(client, ns, metrics, storeLogger, options.WatchTimeout, options.StatusSeal)
            );

        ReadOnlySite.UseHeaders(app);
        if (options.ApiAuth)
        {
            var access = new ApiAccess(
                client,
                options.ApiOpenPaths,
                clock,
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ApiAccess>()
            );
            app.Use((ctx, next) => access.InvokeAsync(ctx, () => next(ctx)));
        }

        ReadOnlySite.MapPages(app);
        app.UseRouting(); // explicitly after the middleware above, so a HEAD request is routed as the GET it stands for
        app.MapOpenApi();
        // The release view and the suspects read Prometheus on request, with a client of their own (no batching: one page,
        // one question), so the controller's queries and their budget are not shared with page views.
        var viewPrometheus = new Prometheus.PrometheusClient(options.Prometheus);
        app.Lifetime.ApplicationStopped.Register(viewPrometheus.Dispose);
        var steps = new ReleaseStepReader(new Prometheus.PrometheusReleaseSource(viewPrometheus), options.Defaults, clock);
        // Which release broke it: on the same client as the release view, planned with the operator's defaults.
        ReleaseApi.Map(
            app,
            () => state.CachedReleases,
            state.History,
            () => state.CacheSynced,
            () => state.Leading,
            state.Stores.Trusts,
            steps,
            new SuspectSearch(viewPrometheus, options.Defaults)
        );

        app.MapGet(
            "/metrics",
            async (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await metrics.Registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted);
            }
        );
        app.MapGet("/healthz", () => Results.Text("ok"));
        // Ready once this replica's cache is synced (leader or standby: both serve the read-only API from it).
        app.MapGet("/readyz", () => state.Ready ? Results.Text("ok") : Results.Text(state.Describe(), statusCode: 503));
        return app;
    }
}
