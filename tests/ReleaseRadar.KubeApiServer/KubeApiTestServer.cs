using System.Globalization;
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

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// Serves the Kubernetes REST API on loopback over HTTP, faithfully enough for the real kubectl, helm and
/// KubernetesClient: discovery, OpenAPI v3, Table output, JSON and YAML bodies, strategic-merge, merge, JSON and
/// server-side-apply patches, dryRun, field and label selectors, watches, CRDs installed through the API, cascading
/// deletion, namespaces, bearer tokens and RBAC. It is not a cluster: of the controllers, only the Deployment
/// controller's ReplicaSets and revisions (<see cref="DeploymentRollouts"/>); no pods, no admission webhooks, no scheduling.
/// </summary>
public sealed class KubeApiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _typesGate = new();
    private readonly Dictionary<string, ResourceType> _types;
    public ObjectStore Store { get; } = new();
    public Rbac Rbac { get; }
    public Uri Url { get; }

    /// <summary>The serving certificate (PEM), which clients trust as the cluster's CA.</summary>
    public string CertificatePem { get; private init; } = "";

    /// <summary>Requests served, by method and path, for assertions about what a client asked.</summary>
    public List<string> RequestLog { get; } = [];

    /// <summary>Prints every request and its status code (RELEASERADAR_KUBE_API_TRACE=1), to see what a client asks.</summary>
    public static bool TraceRequests { get; set; } = Environment.GetEnvironmentVariable("RELEASERADAR_KUBE_API_TRACE") == "1";

    /// <summary>Every authenticated request with its user, time and status code: who wrote what, and when.</summary>
    public List<ServedRequest> Served { get; } = [];

    private readonly Lock _throttleGate = new();
    private int _throttlesToInject;
    private string? _throttledPlural;
    private int _throttleRetryAfter;

    /// <summary>
    /// The next <paramref name="count"/> writes (POST, PUT, PATCH, DELETE) to a resource type are refused with 429 Too
    /// Many Requests and Retry-After, as API Priority and Fairness refuses requests when a priority level is full.
    /// </summary>
    public void InjectThrottling(int count, string plural, int retryAfterSeconds)
    {
        lock (_throttleGate)
        {
            _throttlesToInject = count;
            _throttledPlural = plural;
            _throttleRetryAfter = retryAfterSeconds;
        }
    }

    /// <summary>Unexpected exceptions inside the test server itself.</summary>
    public List<string> ServerErrors { get; } = [];

    /// <summary>Requests refused by RBAC, with the API server's message, for assertions about missing rules.</summary>
    public List<string> Forbidden { get; } = [];

    private KubeApiTestServer(WebApplication app, Uri url, IEnumerable<ResourceType> types)
    {
        _app = app;
        Url = url;
        _types = types.ToDictionary(t => t.Key);
        Rbac = new Rbac(Store, Type);
        Store.Bootstrap(Type("", "v1", "namespaces"));
    }

    /// <param name="crdFiles">CRD manifests installed before the first request, as if applied by an admin.</param>
    /// <param name="port">0 for a free port.</param>
    public static async Task<KubeApiTestServer> StartAsync(IEnumerable<string> crdFiles, int port = 0, CancellationToken cancellationToken = default)
    {
        if (port == 0)
            port = FreePort();
        // HTTPS with a self-signed serving certificate, as a real API server: kubectl and helm never send a bearer token
        // over plain HTTP. The kubeconfig carries the certificate as its certificate-authority-data.
        var certificate = ServingCertificate.Create();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.UseHttps(certificate)));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new KubeApiTestServer(app, new Uri($"https://127.0.0.1:{port}"), ResourceTypes.BuiltIn())
        {
            CertificatePem = certificate.ExportCertificatePem(),
        };
        // A bootstrap ClusterRole every real cluster has: delegated authentication and authorization.
        server.Store.Create(
            server.Type("rbac.authorization.k8s.io", "v1", "clusterroles"),
            "",
            JsonNode
                .Parse(
                    """
                    {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:auth-delegator"},
                     "rules":[{"apiGroups":["authentication.k8s.io"],"resources":["tokenreviews"],"verbs":["create"]},
                              {"apiGroups":["authorization.k8s.io"],"resources":["subjectaccessreviews"],"verbs":["create"]}]}
                    """
                )!
                .AsObject()
        );
        foreach (var file in crdFiles)
        foreach (var doc in YamlJson.ParseAll(await File.ReadAllTextAsync(file, cancellationToken)).OfType<JsonObject>())
            server.InstallCrd(doc, WriteOptions.Default);
        app.Map("/{**path}", server.HandleAsync);
        await app.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>Writes a kubeconfig pointing at this server, as a user or the operator would use it.</summary>
    public string WriteKubeconfig(string directory, string context = "test", string token = Rbac.AdminToken, string ns = "default")
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, context == "test" ? "kubeconfig" : $"kubeconfig-{context}");
        File.WriteAllText(
            path,
            $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: {context}
                cluster: {"{"} server: "{Url.ToString().TrimEnd('/')}", certificate-authority-data: {Convert.ToBase64String(
                Encoding.ASCII.GetBytes(CertificatePem)
            )} {"}"}
            users:
              - name: {context}
                user: {"{"} token: {token} {"}"}
            contexts:
              - name: {context}
                context: {"{"} cluster: {context}, user: {context}, namespace: {ns} {"}"}
            current-context: {context}
            """
        );
        return path;
    }

    public ResourceType Type(string group, string version, string plural)
    {
        lock (_typesGate)
            return _types[$"{group}/{version}/{plural}"];
    }

    private List<ResourceType> Types()
    {
        lock (_typesGate)
            return [.. _types.Values];
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var segments = (ctx.Request.Path.Value ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        // A PATCH names its kind (merge, strategic, JSON patch): tests tell an Undo from an Annotate by it.
        var kind = HttpMethods.IsPatch(ctx.Request.Method) ? $" ({ctx.Request.ContentType})" : "";
        lock (RequestLog)
            RequestLog.Add($"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}{kind}");
        if (TraceRequests)
            ctx.Response.OnStarting(() =>
            {
                Console.WriteLine(
                    $"{ctx.Response.StatusCode} {ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString} "
                        + $"[{ctx.Request.ContentType}] accept={ctx.Request.Headers.Accept}"
                );
                return Task.CompletedTask;
            });
        try
        {
            var user = Rbac.Authenticate(ctx.Request.Headers.Authorization.ToString()) ?? throw new ApiException(401, "Unauthorized", "Unauthorized");
            var at = DateTimeOffset.UtcNow;
            ctx.Response.OnStarting(() =>
            {
                lock (Served)
                    Served.Add(new ServedRequest(at, user.Name, ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Response.StatusCode));
                return Task.CompletedTask;
            });
            if (await NonResourceAsync(ctx, segments) || await ReviewAsync(ctx, segments, user))
                return;
            var (type, ns, name, status) = Route(segments);
            var method = ctx.Request.Method;
            lock (_throttleGate)
            {
                if (_throttlesToInject > 0 && type.Plural == _throttledPlural && method != "GET")
                {
                    _throttlesToInject--;
                    ctx.Response.Headers.RetryAfter = _throttleRetryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    throw new ApiException(429, "TooManyRequests", "Too many requests, please try again later.");
                }
            }
            var query = ctx.Request.Query;
            var watch = query["watch"] is ["true" or "1"];
            var verb = method switch
            {
                "GET" when name is null => watch ? "watch" : "list",
                "GET" => "get",
                "POST" => "create",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" when name is null => "deletecollection",
                "DELETE" => "delete",
                _ => throw new ApiException(405, "MethodNotAllowed", $"{method} is not supported"),
            };
            Authorize(user, verb, type, ns, name, status);
            if (method == "PATCH" && (ctx.Request.ContentType ?? "").StartsWith("application/apply-patch", StringComparison.Ordinal))
            {
                // Server-side apply may create: RBAC then also asks for "create", as the API server does.
                try
                {
                    Store.Get(type, ns ?? "", name!);
                }
                catch (ApiException e) when (e.Code == 404)
                {
                    Authorize(user, "create", type, ns, name, status);
                }
            }
            var options = new WriteOptions(
                DryRun: query["dryRun"] is ["All"],
                FieldValidation: query["fieldValidation"].FirstOrDefault() ?? "Warn",
                FieldManager: query["fieldManager"].FirstOrDefault(),
                Force: query["force"] is ["true"]
            );
            if (options.FieldValidation is not ("Strict" or "Warn" or "Ignore"))
                throw new ApiException(
                    400,
                    "BadRequest",
                    $"fieldValidation: Unsupported value: \"{options.FieldValidation}\": supported values: \"Ignore\", \"Strict\", \"Warn\""
                );
            if (query["dryRun"] is [var dr] && dr != "All")
                throw new ApiException(400, "BadRequest", $"dryRun: Unsupported value: \"{dr}\": supported values: \"All\"");
            var labels = LabelSelector.Parse(query["labelSelector"]);
            var fields = FieldSelector.Parse(query["fieldSelector"], type);
            bool Selector(JsonObject o) => labels(o) && fields(o);
            var table = Tables.Wanted(ctx.Request.Headers.Accept.ToString());

            JsonObject result;
            var code = 200;
            switch (verb)
            {
                case "watch":
                    await WatchAsync(ctx, type, ns, Selector, table);
                    return;
                case "list":
                    var page = ListPage.Take(
                        (after, limit) => Store.ListPage(type, ns, Selector, after, limit),
                        query["limit"].FirstOrDefault(),
                        query["continue"].FirstOrDefault()
                    );
                    result = table
                        ? Tables.Build(
                            type,
                            page.Items,
                            page.Version.ToString(CultureInfo.InvariantCulture),
                            query["includeObject"],
                            DateTimeOffset.UtcNow
                        )
                        : new JsonObject
                        {
                            ["apiVersion"] = type.ApiVersion,
                            ["kind"] = type.Kind + "List",
                            ["metadata"] = page.Metadata(),
                            ["items"] = new JsonArray([.. page.Items]),
                        };
                    break;
                case "get":
                    result = Store.Get(type, ns ?? "", name!);
                    if (table)
                        result = Tables.Build(
                            type,
                            [result],
                            result["metadata"]?["resourceVersion"]?.ToString(),
                            query["includeObject"],
                            DateTimeOffset.UtcNow
                        );
                    break;
                case "create":
                    if (status)
                        throw new ApiException(405, "MethodNotAllowed", "POST is not supported on a status subresource");
                    result = Store.Create(type, ns ?? "", await BodyAsync(ctx), options);
                    code = 201;
                    break;
                case "update":
                    result = Store.Replace(type, ns ?? "", name!, await BodyAsync(ctx), status, options);
                    break;
                case "patch":
                    using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8))
                        result = Store.Patch(type, ns ?? "", name!, ctx.Request.ContentType ?? "", await reader.ReadToEndAsync(), status, options);
                    break;
                case "deletecollection":
                    result = Store.DeleteCollection(type, ns, Selector, options);
                    break;
                default:
                    var propagation = query["propagationPolicy"].FirstOrDefault();
                    if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
                    {
                        if (await BodyAsync(ctx) is { Count: > 0 } deleteOptions)
                        {
                            propagation = deleteOptions["propagationPolicy"]?.ToString() ?? propagation;
                            if (deleteOptions["dryRun"] is JsonArray { Count: > 0 })
                                options = options with { DryRun = true };
                        }
                    }
                    result = Store.Delete(type, ns ?? "", name!, propagation, options);
                    break;
            }
            if (type.Kind == "CustomResourceDefinition" && !options.DryRun && verb is "create" or "update" or "patch" or "delete")
                SyncCrd(result, verb == "delete");
            foreach (var w in options.Warnings)
                ctx.Response.Headers.Append("Warning", $"299 - \"{w.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
            await Json(ctx, code, result);
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted)
                await Json(ctx, e.Code, e.ToStatus());
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            if (!ctx.Response.HasStarted)
                await Json(ctx, 400, new ApiException(400, "BadRequest", e.Message).ToStatus());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the test server must show as what it is, not as a mysterious 500 in a client's logs.
            lock (ServerErrors)
                ServerErrors.Add($"{ctx.Request.Method} {ctx.Request.Path}: {e}");
            if (!ctx.Response.HasStarted)
                await Json(ctx, 500, new ApiException(500, "InternalError", e.GetType().Name + ": " + e.Message).ToStatus());
        }
    }

    private void Authorize(UserInfo user, string verb, ResourceType type, string? ns, string? name, bool status)
    {
        var attributes = new RequestAttributes(verb, type.Group, type.Plural, status ? "status" : null, type.Namespaced ? ns : null, name);
        if (Rbac.Allows(user, attributes))
            return;
        var denied = Rbac.Forbidden(user, attributes, type.Group.Length == 0 ? type.Plural : $"{type.Plural}.{type.Group}");
        lock (Forbidden)
            Forbidden.Add(denied.Message);
        throw denied;
    }

    /// <summary>Discovery, version, OpenAPI and health: what every authenticated client may read (system:discovery).</summary>
    /// <summary>
    /// TokenReview and SubjectAccessReview (POST only, never stored), as a delegating authenticator and authorizer such as
    /// controller-runtime's metrics filter calls them; the caller needs RBAC to create them (system:auth-delegator).
    /// </summary>
    private async Task<bool> ReviewAsync(HttpContext ctx, string[] s, UserInfo caller)
    {
        if (s is ["api", "v1", "namespaces", var tokenNs, "serviceaccounts", var account, "token"] && ctx.Request.Method == "POST")
        {
            // TokenRequest (`kubectl create token`): a token for the ServiceAccount, whatever audiences or expiry were asked.
            var tokenAsked = new RequestAttributes("create", "", "serviceaccounts", "token", tokenNs, account);
            if (!Rbac.Allows(caller, tokenAsked))
                throw Rbac.Forbidden(caller, tokenAsked, "serviceaccounts");
            Store.Get(Type("", "v1", "serviceaccounts"), tokenNs, account); // 404 for a ServiceAccount that does not exist
            var expires = DateTimeOffset.UtcNow.AddHours(1);
            await Json(
                ctx,
                201,
                new JsonObject
                {
                    ["kind"] = "TokenRequest",
                    ["apiVersion"] = "authentication.k8s.io/v1",
                    ["metadata"] = new JsonObject { ["name"] = account, ["namespace"] = tokenNs },
                    ["spec"] = new JsonObject { ["audiences"] = new JsonArray("https://kubernetes.default.svc"), ["expirationSeconds"] = 3600 },
                    ["status"] = new JsonObject
                    {
                        ["token"] = Rbac.IssueToken(tokenNs, account),
                        ["expirationTimestamp"] = expires.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                    },
                }
            );
            return true;
        }
        var (group, resource) = s switch
        {
            ["apis", "authentication.k8s.io", "v1", "tokenreviews"] => ("authentication.k8s.io", "tokenreviews"),
            ["apis", "authorization.k8s.io", "v1", "subjectaccessreviews"] => ("authorization.k8s.io", "subjectaccessreviews"),
            _ => ("", ""),
        };
        if (resource.Length == 0 || ctx.Request.Method != "POST")
            return false;
        var asked = new RequestAttributes("create", group, resource, null, null, null);
        if (!Rbac.Allows(caller, asked))
            throw Rbac.Forbidden(caller, asked, resource);
        var review = (await JsonNode.ParseAsync(ctx.Request.Body))?.AsObject() ?? throw new ApiException(400, "BadRequest", "empty body");
        var spec = review["spec"] as JsonObject ?? new JsonObject();
        if (resource == "tokenreviews")
        {
            var user = Rbac.Authenticate("Bearer " + spec["token"]);
            review["status"] = user is null
                ? new JsonObject { ["authenticated"] = false, ["error"] = "invalid bearer token" }
                : new JsonObject
                {
                    ["authenticated"] = true,
                    ["user"] = new JsonObject { ["username"] = user.Name, ["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode)g)]) },
                };
        }
        else
        {
            var who = new UserInfo(spec["user"]?.ToString() ?? "", [.. (spec["groups"] as JsonArray ?? []).Select(g => g?.ToString() ?? "")]);
            var r = spec["resourceAttributes"];
            var n = spec["nonResourceAttributes"];
            var allowed = r is not null
                ? Rbac.Allows(
                    who,
                    new RequestAttributes(
                        r["verb"]?.ToString() ?? "",
                        r["group"]?.ToString() ?? "",
                        r["resource"]?.ToString() ?? "",
                        r["subresource"]?.ToString() is { Length: > 0 } sub ? sub : null,
                        r["namespace"]?.ToString() is { Length: > 0 } ns ? ns : null,
                        r["name"]?.ToString() is { Length: > 0 } name ? name : null
                    )
                )
                : n is not null && Rbac.AllowsNonResource(who, n["verb"]?.ToString() ?? "", n["path"]?.ToString() ?? "");
            review["status"] = new JsonObject { ["allowed"] = allowed, ["reason"] = allowed ? "allowed by RBAC" : "" };
        }
        await Json(ctx, 201, review);
        return true;
    }

    private async Task<bool> NonResourceAsync(HttpContext ctx, string[] s)
    {
        if (ctx.Request.Method != "GET")
            return false;
        var types = Types();
        JsonObject? body = s switch
        {
            ["version"] => Discovery.Version(),
            ["healthz" or "readyz" or "livez"] => null,
            ["api"] => Discovery.CoreVersions(Url),
            ["apis"] => Discovery.Groups(types),
            ["api", var v] => Discovery.Resources(v, types.Where(t => t.Group.Length == 0 && t.Version == v)),
            ["apis", var g] when types.Any(t => t.Group == g) => Discovery.Group(types.Where(t => t.Group == g).GroupBy(t => t.Group).Single()),
            ["apis", var g, var v] when types.Any(t => t.Group == g && t.Version == v) => Discovery.Resources(
                $"{g}/{v}",
                types.Where(t => t.Group == g && t.Version == v)
            ),
            ["openapi", "v3"] => Discovery.OpenApiRoot(types),
            ["openapi", "v3", "api", var v] => Discovery.OpenApiDocument(v, types.Where(t => t.Group.Length == 0 && t.Version == v)),
            ["openapi", "v3", "apis", var g, var v] => Discovery.OpenApiDocument($"{g}/{v}", types.Where(t => t.Group == g && t.Version == v)),
            _ => new JsonObject { ["__notDiscovery"] = true },
        };
        if (body?["__notDiscovery"] is not null)
            return false;
        if (body is null)
        {
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("ok");
            return true;
        }
        await Json(ctx, 200, body);
        return true;
    }

    private (ResourceType Type, string? Ns, string? Name, bool Status) Route(string[] s)
    {
        string group,
            version;
        string[] rest;
        if (s.Length >= 2 && s[0] == "api")
        {
            group = "";
            version = s[1];
            rest = s[2..];
        }
        else if (s.Length >= 3 && s[0] == "apis")
        {
            group = s[1];
            version = s[2];
            rest = s[3..];
        }
        else
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        string? ns = null,
            plural,
            name = null;
        var status = false;
        bool ClusterScoped(string p)
        {
            lock (_typesGate)
                return !_types.TryGetValue($"{group}/{version}/{p}", out var t0) || !t0.Namespaced;
        }
        switch (rest)
        {
            case [var p]:
                plural = p;
                break;
            case ["namespaces", var n] when group.Length == 0:
                plural = "namespaces";
                name = n;
                break;
            case ["namespaces", var n, "status"] when group.Length == 0:
                plural = "namespaces";
                name = n;
                status = true;
                break;
            case ["namespaces", var n, var p]:
                ns = n;
                plural = p;
                break;
            case ["namespaces", var n, var p, var nm]:
                ns = n;
                plural = p;
                name = nm;
                break;
            case ["namespaces", var n, var p, var nm, "status"]:
                ns = n;
                plural = p;
                name = nm;
                status = true;
                break;
            case [var p, var nm] when ClusterScoped(p):
                plural = p;
                name = nm;
                break;
            case [var p, var nm, "status"] when ClusterScoped(p):
                plural = p;
                name = nm;
                status = true;
                break;
            default:
                throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }
        ResourceType? type;
        lock (_typesGate)
            _types.TryGetValue($"{group}/{version}/{plural}", out type);
        if (type is null)
            throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({group}/{version}/{plural})");
        if (status && !type.HasStatus)
            throw new ApiException(404, "NotFound", $"{plural} has no status subresource");
        return (type, ns, name, status);
    }

    private void InstallCrd(JsonObject crd, WriteOptions options)
    {
        var crdType = Type("apiextensions.k8s.io", "v1", "customresourcedefinitions");
        var stored = Store.Create(crdType, "", crd, options);
        SyncCrd(stored, deleted: false);
    }

    /// <summary>A CRD written through the API starts (or stops) serving its kinds, as the apiextensions server does.</summary>
    private void SyncCrd(JsonObject crd, bool deleted)
    {
        var name = crd["metadata"]?["name"]?.ToString();
        lock (_typesGate)
        {
            foreach (var key in _types.Where(kv => kv.Value.CrdName == name).Select(kv => kv.Key).ToList())
                _types.Remove(key);
            if (deleted)
                return;
            foreach (var t in CrdTypes(crd))
                _types[t.Key] = t;
        }
        var status = (JsonObject)crd.DeepClone();
        status["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "NamesAccepted",
                    ["status"] = "True",
                    ["reason"] = "NoConflicts",
                    ["message"] = "no conflicts found",
                },
                new JsonObject
                {
                    ["type"] = "Established",
                    ["status"] = "True",
                    ["reason"] = "InitialNamesAccepted",
                    ["message"] = "the initial names have been accepted",
                }
            ),
            ["acceptedNames"] = crd["spec"]?["names"]?.DeepClone(),
            ["storedVersions"] = new JsonArray([
                .. (crd["spec"]?["versions"] as JsonArray ?? [])
                    .Where(v => v?["storage"]?.GetValue<bool>() == true)
                    .Select(v => (JsonNode?)v!["name"]!.ToString()),
            ]),
        };
        if (!JsonNode.DeepEquals(crd["status"], status["status"]))
            Store.Replace(Type("apiextensions.k8s.io", "v1", "customresourcedefinitions"), "", name!, status, statusOnly: true);
    }

    private static IEnumerable<ResourceType> CrdTypes(JsonObject crd)
    {
        var spec = crd["spec"]!.AsObject();
        var group = spec["group"]!.GetValue<string>();
        var names = spec["names"]!.AsObject();
        var namespaced = spec["scope"]!.GetValue<string>() == "Namespaced";
        foreach (var v in spec["versions"]!.AsArray())
        {
            if (v?["served"] is JsonValue served && !served.GetValue<bool>())
                continue;
            var openApi = v!["schema"]?["openAPIV3Schema"] as JsonObject;
            var schema = openApi is null ? null : JsonSchema.FromJsonAsync(openApi.ToJsonString()).GetAwaiter().GetResult();
            var columns = (v["additionalPrinterColumns"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(c => new PrinterColumn(
                    c["name"]!.ToString(),
                    c["type"]!.ToString(),
                    c["jsonPath"]!.ToString(),
                    c["priority"] is { } priority ? int.Parse(priority.ToJsonString(), CultureInfo.InvariantCulture) : 0,
                    c["description"]?.ToString() ?? "",
                    c["format"]?.ToString() ?? ""
                ))
                .ToList();
            yield return new ResourceType(
                group,
                v["name"]!.GetValue<string>(),
                names["plural"]!.GetValue<string>(),
                names["kind"]!.GetValue<string>(),
                namespaced,
                v["subresources"]?["status"] is not null,
                true,
                schema
            )
            {
                Singular = names["singular"]?.ToString() ?? names["kind"]!.ToString().ToLowerInvariant(),
                ShortNames = [.. (names["shortNames"] as JsonArray ?? []).Select(n => n!.ToString())],
                Categories = [.. (names["categories"] as JsonArray ?? []).Select(n => n!.ToString())],
                Columns = columns.Count > 0 ? columns : [new PrinterColumn("Age", "date", ".metadata.creationTimestamp")],
                OpenApiSchema = (JsonObject?)openApi?.DeepClone(),
                CrdName = crd["metadata"]?["name"]?.ToString(),
            };
        }
    }

    private async Task WatchAsync(HttpContext ctx, ResourceType type, string? ns, Func<JsonObject, bool> selector, bool table)
    {
        var streamingList = ctx.Request.Query["sendInitialEvents"] is ["true"];
        var reader = Store.Watch(type, ns, selector, streamingList ? null : ctx.Request.Query["resourceVersion"].ToString());
        var bookmarks = ctx.Request.Query["allowWatchBookmarks"] is ["true"];
        var timeout = int.TryParse(ctx.Request.Query["timeoutSeconds"], out var t) ? TimeSpan.FromSeconds(t) : TimeSpan.FromMinutes(30);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
        cts.CancelAfter(timeout);
        var first = true;
        try
        {
            await ctx.Response.Body.FlushAsync(cts.Token);
            if (ctx.Request.Query["sendInitialEvents"] is ["true"])
            {
                // A streaming list (KEP-3157): the current objects as ADDED, then a bookmark that marks the end of them.
                while (reader.TryRead(out var initial))
                    await Write(ctx, initial, cts.Token);
                await Write(
                    ctx,
                    new WatchEvent(
                        "BOOKMARK",
                        new JsonObject
                        {
                            ["kind"] = type.Kind,
                            ["apiVersion"] = type.ApiVersion,
                            ["metadata"] = new JsonObject
                            {
                                ["resourceVersion"] = Store.CurrentVersion.ToString(),
                                ["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" },
                            },
                        }
                    ),
                    cts.Token
                );
            }
            while (!cts.IsCancellationRequested)
            {
                var wait = reader.WaitToReadAsync(cts.Token).AsTask();
                var tick = Task.Delay(TimeSpan.FromSeconds(1), cts.Token);
                if (await Task.WhenAny(wait, tick) == tick)
                {
                    if (bookmarks && !table)
                        await Write(
                            ctx,
                            new WatchEvent(
                                "BOOKMARK",
                                new JsonObject
                                {
                                    ["kind"] = type.Kind,
                                    ["apiVersion"] = type.ApiVersion,
                                    ["metadata"] = new JsonObject { ["resourceVersion"] = Store.CurrentVersion.ToString() },
                                }
                            ),
                            cts.Token
                        );
                    continue;
                }
                if (!await wait)
                    break; // the server dropped this watch
                while (reader.TryRead(out var e))
                {
                    // A Table watch carries one-row Tables; only the first has the column definitions, as with the API server.
                    var sent =
                        table && e.Type != "ERROR"
                            ? e with
                            {
                                Object = Tables.Build(
                                    type,
                                    [e.Object],
                                    e.Object["metadata"]?["resourceVersion"]?.ToString(),
                                    ctx.Request.Query["includeObject"],
                                    DateTimeOffset.UtcNow,
                                    first
                                ),
                            }
                            : e;
                    first = false;
                    await Write(ctx, sent, cts.Token);
                }
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            Store.StopWatching(reader);
        }
    }

    private static async Task Write(HttpContext ctx, WatchEvent e, CancellationToken ct)
    {
        // Written straight from the event's object: events are shared by every watcher and never changed, so no copy is needed.
        var line = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(line))
        {
            json.WriteStartObject();
            json.WriteString("type", e.Type);
            json.WritePropertyName("object");
            e.Object.WriteTo(json);
            json.WriteEndObject();
        }
        System.Buffers.BuffersExtensions.Write(line, "\n"u8);
        await ctx.Response.Body.WriteAsync(line.WrittenMemory, ct);
        await ctx.Response.Body.FlushAsync(ct);
    }

    /// <summary>A request body in JSON or YAML (Content-Type application/yaml), as the API server accepts both.</summary>
    private static async Task<JsonObject> BodyAsync(HttpContext ctx)
    {
        if (ProtobufBodies.Is(ctx.Request.ContentType))
        {
            using var buffer = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(buffer);
            return ProtobufBodies.Decode(buffer.ToArray());
        }
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        if ((ctx.Request.ContentType ?? "").Contains("yaml", StringComparison.Ordinal))
            return YamlJson.Parse(text) as JsonObject ?? throw new ApiException(400, "BadRequest", "the YAML body is not an object");
        try
        {
            return text.Length == 0
                ? []
                : JsonNode.Parse(text) as JsonObject ?? throw new ApiException(400, "BadRequest", "the body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ApiException(400, "BadRequest", "the body is not valid JSON: " + e.Message);
        }
    }

    private static async Task Json(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
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
