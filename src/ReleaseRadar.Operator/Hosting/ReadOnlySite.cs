using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// The read-only site, the same wherever it is served: the overview and release pages with their npm-installed assets,
/// the API's JSON options, compression and security headers. The operator serves it over its watch cache; the demo
/// (`demo --listen`) over its own Releases, without a cluster.
/// </summary>
public static class ReadOnlySite
{
    public static void AddServices(IServiceCollection services)
    {
        // /timeline and /releases are JSON that compresses ~10x; the page's assets too.
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.MimeTypes = Microsoft.AspNetCore.ResponseCompression.ResponseCompressionDefaults.MimeTypes.Concat(["application/problem+json"]);
        });
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
    }

    public static void UseHeaders(WebApplication app)
    {
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
    }

    /// <summary>The overview at /, and a release's own page at /releases/{namespace}/{name}, served from the build output.</summary>
    public static void MapPages(WebApplication app)
    {
        var web = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(web))
            return;
        var files = new PhysicalFileProvider(web);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapGet("/ui", () => Results.Redirect("/"));
        // Its script reads the release from the path and asks /view for the data.
        app.MapGet("/releases/{namespace}/{name}", () => Results.File(Path.Combine(web, "release.html"), "text/html; charset=utf-8"));
    }

    /// <summary>
    /// The site over a fixed set of Releases and a metric source, with no cluster: what `demo --listen` serves. Every
    /// status is its own (nothing to verify a seal against), and the cache is always in sync.
    /// </summary>
    public static WebApplication ForReleases(
        string listen,
        Func<IReadOnlyCollection<Release>> releases,
        Prometheus.PrometheusClient prometheus,
        TimeProvider clock
    )
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://" + listen);
        builder.Logging.ClearProviders();
        AddServices(builder.Services);
        var app = builder.Build();
        UseHeaders(app);
        MapPages(app);
        app.UseRouting();
        ReleaseApi.Map(
            app,
            releases,
            r => r.Status?.History ?? [],
            () => true,
            () => true,
            _ => true,
            new ReleaseStepReader(new Prometheus.PrometheusReleaseSource(prometheus), AnalysisDefaults.None, clock),
            new SuspectSearch(prometheus, AnalysisDefaults.None)
        );
        return app;
    }
}
