using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// Who may read the API, decided by the cluster as controller-runtime's secured metrics endpoint decides it: a bearer
/// token is checked with a TokenReview, and what its user may see with SubjectAccessReviews: <c>get</c> on releases in
/// a namespace for one Release (its analysis, its gate), <c>list</c> on releases for the lists (filtered to the
/// namespaces allowed), <c>get</c> on the non-resource URL /metrics for the metrics. Answers are cached for
/// <see cref="Ttl"/>, so a page refresh costs no review. The probes, and any path configured open, need nothing.
/// </summary>
internal sealed class ApiAccess(IKubernetes client, IReadOnlySet<string> openPaths, TimeProvider clock, ILogger logger)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private const string VisibleKey = "releaseradar.visible";
    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, V1UserInfo? User)> _tokens = new();
    private readonly ConcurrentDictionary<string, (DateTimeOffset Until, bool Allowed)> _reviews = new();

    /// <summary>The middleware: 401 without a valid token, 403 for a Release or /metrics the user may not read.</summary>
    public async Task InvokeAsync(HttpContext ctx, Func<Task> next)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path is "/healthz" or "/readyz" || openPaths.Any(p => path == p || (p.EndsWith('/') && path.StartsWith(p, StringComparison.Ordinal))))
        {
            await next();
            return;
        }
        var header = ctx.Request.Headers.Authorization.ToString();
        var user = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? await UserAsync(header[7..].Trim(), ctx.RequestAborted) : null;
        if (user is null)
        {
            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
            ctx.Response.Headers.WWWAuthenticate = "Bearer";
            await ctx.Response.WriteAsync("a bearer token the Kubernetes API server accepts is required (TokenReview)", ctx.RequestAborted);
            return;
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var denied = segments switch
        {
            ["analysis" or "gate" or "view", var ns, _] when !await MayAsync(user, "get", ns, ctx.RequestAborted) =>
                $"get releases in namespace {ns}",
            ["metrics"] when !await MayMetricsAsync(user, ctx.RequestAborted) => "get on /metrics",
            _ => null,
        };
        if (denied is not null)
        {
            ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
            await ctx.Response.WriteAsync($"user \"{user.Username}\" may not {denied} (SubjectAccessReview)", ctx.RequestAborted);
            return;
        }
        // The lists show only the namespaces whose releases the user may list; asked only by the lists (VisibleAsync).
        ctx.Items[VisibleKey] = new NamespaceFilter(user, this);
        await next();
    }

    /// <summary>
    /// The <paramref name="releases"/> a list answered on <paramref name="ctx"/> may show: all of them without
    /// <c>--api-auth</c> or for a user who may list releases cluster-wide, else those of the namespaces it may list.
    /// </summary>
    public static async Task<IReadOnlyList<Release>> VisibleAsync(HttpContext ctx, IEnumerable<Release> releases)
    {
        if (
            ctx.Items.TryGetValue(VisibleKey, out var f)
            && f is NamespaceFilter filter
            && !await filter.Access.MayAsync(filter.User, "list", null, ctx.RequestAborted)
        )
        {
            var visible = new List<Release>();
            var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var r in releases)
            {
                var ns = r.Metadata.NamespaceProperty ?? "default";
                if (!allowed.TryGetValue(ns, out var may))
                    allowed[ns] = may = await filter.Access.MayAsync(filter.User, "list", ns, ctx.RequestAborted);
                if (may)
                    visible.Add(r);
            }
            return visible;
        }
        return [.. releases];
    }

    private sealed record NamespaceFilter(V1UserInfo User, ApiAccess Access);

    private async Task<V1UserInfo?> UserAsync(string token, CancellationToken ct)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (_tokens.TryGetValue(key, out var cached) && cached.Until > clock.GetUtcNow())
            return cached.User;
        V1UserInfo? user = null;
        try
        {
            var review = await client.AuthenticationV1.CreateTokenReviewAsync(
                new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token } },
                cancellationToken: ct
            );
            user = review.Status?.Authenticated == true ? review.Status.User : null;
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
        {
            logger.LogWarning("TokenReview failed ({Error}); the request is refused", e.Message);
            return null; // not cached: the API server may answer the next one
        }
        Remember(_tokens, key, (clock.GetUtcNow() + Ttl, user));
        return user;
    }

    private Task<bool> MayAsync(V1UserInfo user, string verb, string? ns, CancellationToken ct) =>
        ReviewAsync(
            $"{user.Username}|{verb}|{ns}",
            user,
            new V1ResourceAttributes
            {
                Group = Release.Group,
                Resource = Release.Plural,
                Verb = verb,
                NamespaceProperty = ns,
            },
            null,
            ct
        );

    private Task<bool> MayMetricsAsync(V1UserInfo user, CancellationToken ct) =>
        ReviewAsync($"{user.Username}|metrics", user, null, new V1NonResourceAttributes { Path = "/metrics", Verb = "get" }, ct);

    private async Task<bool> ReviewAsync(
        string key,
        V1UserInfo user,
        V1ResourceAttributes? resource,
        V1NonResourceAttributes? nonResource,
        CancellationToken ct
    )
    {
        key += "|" + string.Join(",", user.Groups ?? []);
        if (_reviews.TryGetValue(key, out var cached) && cached.Until > clock.GetUtcNow())
            return cached.Allowed;
        try
        {
            var review = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(
                new V1SubjectAccessReview
                {
                    Spec = new V1SubjectAccessReviewSpec
                    {
                        User = user.Username,
                        Groups = user.Groups,
                        Uid = user.Uid,
                        ResourceAttributes = resource,
                        NonResourceAttributes = nonResource,
                    },
                },
                cancellationToken: ct
            );
            var allowed = review.Status?.Allowed == true;
            Remember(_reviews, key, (clock.GetUtcNow() + Ttl, allowed));
            return allowed;
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
        {
            logger.LogWarning("SubjectAccessReview failed ({Error}); access is refused", e.Message);
            return false;
        }
    }

    private static void Remember<T>(ConcurrentDictionary<string, T> cache, string key, T value)
    {
        if (cache.Count >= MaxCached)
            cache.Clear(); // bounded: a flood of distinct tokens costs reviews, never memory
        cache[key] = value;
    }
}
