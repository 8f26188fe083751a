using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NJsonSchema;
using YamlDotNet.Serialization;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// Serves the Kubernetes REST API for the resource types the operator uses, on loopback over HTTP. The real
/// KubernetesClient reaches it through a kubeconfig, so every request goes through the client's own serialisation,
/// watch parsing and error handling.
/// </summary>
public sealed class KubeApiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, ResourceType> _types;
    public ObjectStore Store { get; } = new();
    public Uri Url { get; }

    /// <summary>Requests served, by method and path, for assertions about what the operator asked.</summary>
    public List<string> RequestLog { get; } = [];

    /// <summary>Unexpected exceptions inside the test server itself.</summary>
    public List<string> ServerErrors { get; } = [];

    private KubeApiTestServer(WebApplication app, Uri url, IEnumerable<ResourceType> types)
    {
        _app = app;
        Url = url;
        _types = types.ToDictionary(t => t.Key);
    }

    /// <param name="crdFiles">CRD manifests whose kinds are served, validated against their OpenAPI schema.</param>
    public static async Task<KubeApiTestServer> StartAsync(IEnumerable<string> crdFiles, CancellationToken cancellationToken = default)
    {
        var types = ResourceTypes.BuiltIn().ToList();
        foreach (var file in crdFiles) types.AddRange(await CrdTypesAsync(file));

        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new KubeApiTestServer(app, new Uri($"http://127.0.0.1:{port}"), types);
        app.Map("/{**path}", server.HandleAsync);
        await app.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>Writes a kubeconfig pointing at this server, as a user or the operator would use it.</summary>
    public string WriteKubeconfig(string directory, string context = "test")
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: {context}
                cluster: {"{"} server: "{Url.ToString().TrimEnd('/')}" {"}"}
            users:
              - name: {context}
                user: {"{"} token: test-token {"}"}
            contexts:
              - name: {context}
                context: {"{"} cluster: {context}, user: {context}, namespace: default {"}"}
            current-context: {context}
            """);
        return path;
    }

    public ResourceType Type(string group, string version, string plural) => _types[$"{group}/{version}/{plural}"];

    private async Task HandleAsync(HttpContext ctx)
    {
        var segments = (ctx.Request.Path.Value ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        lock (RequestLog) RequestLog.Add($"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}");
        try
        {
            if (segments is ["version"]) { await Json(ctx, 200, new JsonObject { ["major"] = "1", ["minor"] = "33", ["gitVersion"] = "v1.33.0-releaseradar-test" }); return; }
            var (type, ns, name, status) = Route(segments);
            var method = ctx.Request.Method;
            var query = ctx.Request.Query;
            var selector = LabelSelector.Parse(query["labelSelector"]);

            if (method == "GET" && name is null)
            {
                if (query["watch"] is ["true" or "1"]) { await WatchAsync(ctx, type, ns, selector); return; }
                var (items, rv) = Store.List(type, ns, selector);
                await Json(ctx, 200, new JsonObject
                {
                    ["apiVersion"] = type.ApiVersion, ["kind"] = type.Kind + "List",
                    ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString() },
                    ["items"] = new JsonArray([.. items]),
                });
                return;
            }
            if (method == "POST" && name is null) { await Json(ctx, 201, Store.Create(type, ns ?? "default", await BodyAsync(ctx))); return; }
            if (name is null) throw new ApiException(405, "MethodNotAllowed", $"{method} is not supported on a collection");
            switch (method)
            {
                case "GET": await Json(ctx, 200, Store.Get(type, ns ?? "", name)); return;
                case "PUT": await Json(ctx, 200, Store.Replace(type, ns ?? "", name, await BodyAsync(ctx), status)); return;
                case "PATCH":
                    using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8))
                        await Json(ctx, 200, Store.Patch(type, ns ?? "", name, ctx.Request.ContentType ?? "", await reader.ReadToEndAsync(), status));
                    return;
                case "DELETE": await Json(ctx, 200, Store.Delete(type, ns ?? "", name)); return;
                default: throw new ApiException(405, "MethodNotAllowed", $"{method} is not supported");
            }
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted) await Json(ctx, e.Code, e.ToStatus());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the test server must show as what it is, not as a mysterious 500 in the operator's logs.
            lock (ServerErrors) ServerErrors.Add($"{ctx.Request.Method} {ctx.Request.Path}: {e}");
            if (!ctx.Response.HasStarted) await Json(ctx, 500, new ApiException(500, "InternalError", e.GetType().Name + ": " + e.Message).ToStatus());
        }
    }

    private (ResourceType Type, string? Ns, string? Name, bool Status) Route(string[] s)
    {
        string group, version;
        string[] rest;
        if (s.Length >= 2 && s[0] == "api") { group = ""; version = s[1]; rest = s[2..]; }
        else if (s.Length >= 3 && s[0] == "apis") { group = s[1]; version = s[2]; rest = s[3..]; }
        else throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        string? ns = null, plural, name = null;
        var status = false;
        switch (rest)
        {
            case [var p]: plural = p; break;
            case ["namespaces", var n, var p]: ns = n; plural = p; break;
            case ["namespaces", var n, var p, var nm]: ns = n; plural = p; name = nm; break;
            case ["namespaces", var n, var p, var nm, "status"]: ns = n; plural = p; name = nm; status = true; break;
            case [var p, var nm] when !_types.TryGetValue($"{group}/{version}/{p}", out var t0) || !t0.Namespaced: plural = p; name = nm; break;
            default: throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
        if (!_types.TryGetValue($"{group}/{version}/{plural}", out var type))
            throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({group}/{version}/{plural})");
        if (status && !type.HasStatus) throw new ApiException(404, "NotFound", $"{plural} has no status subresource");
        return (type, ns, name, status);
    }

    private async Task WatchAsync(HttpContext ctx, ResourceType type, string? ns, Func<JsonObject, bool> selector)
    {
        var reader = Store.Watch(type, ns, selector, ctx.Request.Query["resourceVersion"]);
        var bookmarks = ctx.Request.Query["allowWatchBookmarks"] is ["true"];
        var timeout = int.TryParse(ctx.Request.Query["timeoutSeconds"], out var t) ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(30);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        cts.CancelAfter(timeout);
        try
        {
            await ctx.Response.Body.FlushAsync(cts.Token);
            while (!cts.IsCancellationRequested)
            {
                var wait = reader.WaitToReadAsync(cts.Token).AsTask();
                var tick = Task.Delay(TimeSpan.FromSeconds(1), cts.Token);
                if (await Task.WhenAny(wait, tick) == tick)
                {
                    if (bookmarks) await Write(ctx, new WatchEvent("BOOKMARK", new JsonObject
                    {
                        ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = Store.CurrentVersion.ToString() },
                    }), cts.Token);
                    continue;
                }
                if (!await wait) break; // the server dropped this watch
                while (reader.TryRead(out var e)) await Write(ctx, e, cts.Token);
            }
        }
        catch (OperationCanceledException) { }
        finally { Store.StopWatching(reader); }
    }

    private static async Task Write(HttpContext ctx, WatchEvent e, CancellationToken ct)
    {
        var line = new JsonObject { ["type"] = e.Type, ["object"] = e.Object.DeepClone() }.ToJsonString() + "\n";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), ct);
        await ctx.Response.Body.FlushAsync(ct);
    }

    private static async Task<JsonObject> BodyAsync(HttpContext ctx)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<JsonObject>(ctx.Request.Body) ?? throw new ApiException(400, "BadRequest", "empty body");
        }
        catch (JsonException e) { throw new ApiException(400, "BadRequest", "the body is not valid JSON: " + e.Message); }
    }

    private static async Task Json(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }

    private static async Task<IEnumerable<ResourceType>> CrdTypesAsync(string file)
    {
        var yaml = new DeserializerBuilder().Build().Deserialize<object>(await File.ReadAllTextAsync(file));
        var json = JsonNode.Parse(new SerializerBuilder().JsonCompatible().Build().Serialize(yaml))!.AsObject();
        var spec = json["spec"]!.AsObject();
        var group = spec["group"]!.GetValue<string>();
        var names = spec["names"]!.AsObject();
        var namespaced = spec["scope"]!.GetValue<string>() == "Namespaced";
        var result = new List<ResourceType>();
        foreach (var v in spec["versions"]!.AsArray())
        {
            var schemaJson = v!["schema"]!["openAPIV3Schema"]!.ToJsonString();
            // YAML scalars arrive as strings; turn numeric and boolean keywords back into JSON numbers and booleans.
            var schema = await JsonSchema.FromJsonAsync(Typed(schemaJson));
            result.Add(new ResourceType(group, v["name"]!.GetValue<string>(), names["plural"]!.GetValue<string>(), names["kind"]!.GetValue<string>(),
                namespaced, v["subresources"]?["status"] is not null, true, schema));
        }
        return result;
    }

    private static string Typed(string schemaJson)
    {
        var node = JsonNode.Parse(schemaJson)!;
        void Fix(JsonNode? n)
        {
            if (n is JsonObject o)
            {
                foreach (var key in o.Select(kv => kv.Key).ToList())
                {
                    var v = o[key];
                    if (v is JsonValue jv && jv.TryGetValue<string>(out var s))
                    {
                        if (key is "minimum" or "maximum" or "minLength" or "maxLength" or "minItems" or "maxItems" or "minProperties" or "maxProperties")
                            o[key] = JsonValue.Create(double.Parse(s, System.Globalization.CultureInfo.InvariantCulture));
                        else if (key is "exclusiveMinimum" or "exclusiveMaximum" or "x-kubernetes-preserve-unknown-fields" || (key == "additionalProperties" && s is "true" or "false"))
                            o[key] = JsonValue.Create(s == "true");
                    }
                    else Fix(v);
                }
            }
            else if (n is JsonArray a) foreach (var item in a) Fix(item);
        }
        Fix(node);
        return node.ToJsonString();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Store.DropWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
