using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
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
        // /timeline and /releases are JSON that compresses ~10x; the page's assets too.
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = Microsoft.AspNetCore.ResponseCompression.ResponseCompressionDefaults.MimeTypes.Concat(["application/problem+json"]);
        });
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
        var app = builder.Build();
        client = connect(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ReleaseRadar.Kubernetes"));

        var storeLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<IReleaseStore>();
        foreach (var ns in options.Namespaces.Count == 0 ? [null] : options.Namespaces.Select(n => (string?)n))
            stores.Add(
                options.Store == ReleaseStoreKind.Plain
                    ? new PlainReleaseStore(client, ns, metrics, storeLogger, options.WatchTimeout, options.StatusSeal)
                    : new PackedReleaseStore(client, ns, metrics, storeLogger, options.WatchTimeout, options.StatusSeal)
            );

        app.UseResponseCompression();
        app.Use(
            async (ctx, next) =>
            {
                // HEAD is answered wherever GET is (Kestrel sends no body for a HEAD request whatever the handler writes).
                if (HttpMethods.IsHead(ctx.Request.Method))
                    ctx.Request.Method = HttpMethods.Get;
                ctx.Response.OnStarting(() =>
                {
                    // A read-only page with no inline code: nothing but its own origin may run, frame or be fetched.
                    var h = ctx.Response.Headers;
                    h.ContentSecurityPolicy =
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
                    h.XContentTypeOptions = "nosniff";
                    h.XFrameOptions = "DENY";
                    h["Referrer-Policy"] = "no-referrer";
                    // Verdicts change every interval: never serve a cached one. Static assets may be revalidated.
                    if (!h.ContainsKey("Cache-Control"))
                        h.CacheControl =
                            ctx.Response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true
                            || ctx.Request.Path.StartsWithSegments("/metrics")
                                ? "no-store"
                                : "no-cache";
                    return Task.CompletedTask;
                });
                await next(ctx);
            }
        );

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

        // The timeline page and its npm-installed assets, served from the build output: no internet needed.
        var web = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(web))
        {
            var files = new PhysicalFileProvider(web);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
            app.MapGet("/ui", () => Results.Redirect("/"));
        }
        app.UseRouting(); // explicitly after the middleware above, so a HEAD request is routed as the GET it stands for
        app.MapOpenApi();
        ReleaseApi.Map(app, () => state.CachedReleases, state.History, () => state.CacheSynced, () => state.Leading, state.Stores.Trusts);

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
