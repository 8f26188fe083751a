using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace ReleaseRadar.Simulation;

/// <summary>
/// The live mock exporter: ticks the scenario in real time, exposes /metrics through prometheus-net, and accepts
/// runtime switches (POST /scenario to deploy a version, POST /incident to start a shared incident).
/// </summary>
public static class MockExporterServer
{
    public static WebApplication Build(ScenarioRunner runner, string url, TimeProvider? clock = null, bool quiet = true)
    {
        clock ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        if (quiet)
            builder.Logging.ClearProviders();
        else // warnings and errors only: the command prints its own start-up lines, not ASP.NET's "Content root path"
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        }

        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var extra = runner.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var requests = factory.CreateCounter(
            "http_requests_total",
            "Total HTTP requests served.",
            new CounterConfiguration { LabelNames = ["service", "version", runner.StatusLabel, .. extra.Select(kv => kv.Key)] }
        );
        var latency = factory.CreateHistogram(
            "http_request_duration_seconds",
            "HTTP request latency.",
            new HistogramConfiguration { LabelNames = ["service", "version", .. extra.Select(kv => kv.Key)], Buckets = ScenarioRunner.LatencyBuckets }
        );
        // What Istio's proxies export between workloads (only when the scenario declares calls): the suspects' call graph.
        var calls = factory.CreateCounter(
            "istio_requests_total",
            "Requests between workloads, as the mesh counts them.",
            new CounterConfiguration
            {
                LabelNames = ["source_workload", "destination_service", "destination_service_name", .. extra.Select(kv => kv.Key)],
            }
        );
        var sink = new PrometheusNetSink(requests, latency, calls, [.. extra.Select(kv => kv.Value)]);

        builder.Services.AddSingleton(runner);
        builder.Services.AddHostedService(_ => new Ticker(runner, sink, clock));
        var app = builder.Build();

        app.MapGet(
            "/metrics",
            async (HttpContext ctx) =>
            {
                ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted);
            }
        );
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/scenario", () => Results.Json(runner.Snapshot(clock.GetUtcNow()), SimulationJsonContext.Default.IReadOnlyListServiceState));
        app.MapPost(
            "/scenario",
            (string service, string version, string scenario, double? severity) =>
            {
                try
                {
                    runner.Deploy(service, version, scenario, clock.GetUtcNow(), severity ?? 1);
                    return Results.Json(runner.Snapshot(clock.GetUtcNow()), SimulationJsonContext.Default.IReadOnlyListServiceState);
                }
                catch (ArgumentException e)
                {
                    return Results.Json(new ControlError(e.Message), ErrorJson, statusCode: StatusCodes.Status400BadRequest);
                }
            }
        );
        app.MapPost(
            "/incident",
            (string effect, string? duration, double? severity, string? service) =>
            {
                try
                {
                    var d = ScenarioFile.Offset(duration ?? "5m", "duration");
                    runner.StartIncident(effect, d, clock.GetUtcNow(), severity ?? 1, service is null ? null : [service]);
                    return Results.Json(runner.Snapshot(clock.GetUtcNow()), SimulationJsonContext.Default.IReadOnlyListServiceState);
                }
                catch (Exception e) when (e is ArgumentException or FormatException)
                {
                    return Results.Json(new ControlError(e.Message), ErrorJson, statusCode: StatusCodes.Status400BadRequest);
                }
            }
        );
        return app;
    }

    /// <summary>One line, quotes left readable: the message names the value that was refused ('meltdown').</summary>
    private static readonly JsonTypeInfo ErrorJson = new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = SimulationJsonContext.Default,
    }.GetTypeInfo(typeof(ControlError));

    private sealed class PrometheusNetSink(Counter requests, Histogram latency, Counter calls, string[] extra) : ITrafficSink
    {
        private readonly HashSet<(string, string)> _initialised = [];

        public void Requests(string service, string version, string code, long count)
        {
            // Publish every status code of a new version at zero, as well-behaved exporters do: a series that first appears
            // with a value already above zero has that first increment invisible to increase(), which skews rare codes badly.
            lock (_initialised)
                if (_initialised.Add((service, version)))
                    foreach (var c in ServiceSimulator.AllCodes)
                        requests.WithLabels([service, version, c, .. extra]).Inc(0);
            requests.WithLabels([service, version, code, .. extra]).Inc(count);
        }

        public void Latency(string service, string version, double seconds) => latency.WithLabels([service, version, .. extra]).Observe(seconds);

        public void Calls(string caller, string callee, long count) =>
            calls.WithLabels([caller, $"{callee}.default.svc.cluster.local", callee, .. extra]).Inc(count);
    }

    /// <summary>Advances the simulation in real time, in small ticks so a scrape every second sees smooth counters.</summary>
    private sealed class Ticker(ScenarioRunner runner, ITrafficSink sink, TimeProvider clock) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var last = clock.GetUtcNow();
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200), clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = clock.GetUtcNow();
                runner.Tick(now, now - last, sink);
                last = now;
            }
        }
    }
}
