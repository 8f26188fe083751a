using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>Who is calling: a user name and its groups, as the API server's authenticators report it.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    public bool IsAdmin => Groups.Contains("system:masters");
}

/// <summary>One request in RBAC's terms.</summary>
public sealed record RequestAttributes(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name);

/// <summary>
/// Bearer-token authentication and RBAC authorization with Kubernetes' rules: Roles and ClusterRoles stored in the
/// server, bound to users, groups or ServiceAccounts by RoleBindings (one namespace) and ClusterRoleBindings (all of
/// them). The admin token belongs to system:masters, which RBAC never restricts.
/// </summary>
public sealed class Rbac(ObjectStore store, Func<string, string, string, ResourceType> typeOf)
{
    public const string AdminToken = "test-token";
    private readonly ConcurrentDictionary<string, UserInfo> _tokens = new()
    {
        [AdminToken] = new UserInfo("kubernetes-admin", ["system:masters", "system:authenticated"]),
    };

    /// <summary>A token for another cluster administrator, so that requests from two clients can be told apart.</summary>
    public string IssueAdminToken(string user)
    {
        var token = "admin-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        _tokens[token] = new UserInfo(user, ["system:masters", "system:authenticated"]);
        return token;
    }

    /// <summary>A token for a ServiceAccount, as a projected service-account token would be on a cluster.</summary>
    public string IssueToken(string ns, string serviceAccount)
    {
        var token = "sa-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        _tokens[token] = new UserInfo(
            $"system:serviceaccount:{ns}:{serviceAccount}",
            ["system:serviceaccounts", $"system:serviceaccounts:{ns}", "system:authenticated"]
        );
        return token;
    }

    public UserInfo? Authenticate(string? authorization) =>
        authorization is { } h && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && _tokens.TryGetValue(h[7..].Trim(), out var user)
            ? user
            : null;

    public bool Allows(UserInfo user, RequestAttributes a)
    {
        if (user.IsAdmin)
            return true;
        var clusterRoles = typeOf("rbac.authorization.k8s.io", "v1", "clusterroles");
        var roles = typeOf("rbac.authorization.k8s.io", "v1", "roles");
        foreach (var binding in store.List(typeOf("rbac.authorization.k8s.io", "v1", "clusterrolebindings"), null, _ => true).Items)
            if (Binds(binding, user) && RoleAllows(Role(clusterRoles, "", binding), a))
                return true;
        if (a.Namespace is null)
            return false;
        foreach (var binding in store.List(typeOf("rbac.authorization.k8s.io", "v1", "rolebindings"), a.Namespace, _ => true).Items)
        {
            if (!Binds(binding, user))
                continue;
            var kind = binding["roleRef"]?["kind"]?.ToString();
            var role = kind == "ClusterRole" ? Role(clusterRoles, "", binding) : Role(roles, a.Namespace, binding);
            if (RoleAllows(role, a))
                return true;
        }
        return false;
    }

    /// <summary>Whether a ClusterRole bound to <paramref name="user"/> allows <paramref name="verb"/> on a non-resource URL.</summary>
    public bool AllowsNonResource(UserInfo user, string verb, string path)
    {
        if (user.IsAdmin)
            return true;
        var clusterRoles = typeOf("rbac.authorization.k8s.io", "v1", "clusterroles");
        foreach (var binding in store.List(typeOf("rbac.authorization.k8s.io", "v1", "clusterrolebindings"), null, _ => true).Items)
        {
            if (!Binds(binding, user))
                continue;
            foreach (var rule in Role(clusterRoles, "", binding)?["rules"]?.AsArray() ?? [])
                if (
                    rule is not null
                    && Has(rule, "verbs", verb)
                    && Strings(rule, "nonResourceURLs")
                        .Any(u => u == path || u == "*" || (u.EndsWith('*') && path.StartsWith(u[..^1], StringComparison.Ordinal)))
                )
                    return true;
        }
        return false;
    }

    private JsonObject? Role(ResourceType type, string ns, JsonObject binding)
    {
        try
        {
            return store.Get(type, ns, binding["roleRef"]?["name"]?.ToString() ?? "");
        }
        catch (ApiException)
        {
            return null;
        }
    }

    private static bool Binds(JsonObject binding, UserInfo user)
    {
        var bindingNs = binding["metadata"]?["namespace"]?.ToString();
        foreach (var s in binding["subjects"]?.AsArray() ?? [])
        {
            var kind = s?["kind"]?.ToString();
            var name = s?["name"]?.ToString();
            var matches = kind switch
            {
                "ServiceAccount" => user.Name == $"system:serviceaccount:{s?["namespace"]?.ToString() ?? bindingNs}:{name}",
                "User" => user.Name == name,
                "Group" => name is not null && user.Groups.Contains(name),
                _ => false,
            };
            if (matches)
                return true;
        }
        return false;
    }

    private static bool RoleAllows(JsonObject? role, RequestAttributes a)
    {
        foreach (var rule in role?["rules"]?.AsArray() ?? [])
        {
            if (rule is null)
                continue;
            var resource = a.Subresource is null ? a.Resource : $"{a.Resource}/{a.Subresource}";
            if (!Has(rule, "verbs", a.Verb) || !Has(rule, "apiGroups", a.Group))
                continue;
            var resources = Strings(rule, "resources");
            var resourceMatch =
                resources.Contains("*") || resources.Contains(resource) || (a.Subresource is not null && resources.Contains("*/" + a.Subresource));
            if (!resourceMatch)
                continue;
            var names = Strings(rule, "resourceNames");
            if (names.Count > 0 && (a.Name is null || !names.Contains(a.Name)))
                continue;
            return true;
        }
        return false;
    }

    private static bool Has(JsonNode rule, string key, string value)
    {
        var values = Strings(rule, key);
        return values.Contains("*") || values.Contains(value);
    }

    private static List<string> Strings(JsonNode rule, string key) => [.. (rule[key] as JsonArray ?? []).Select(n => n?.ToString() ?? "")];

    /// <summary>The API server's wording, which operators' logs are read for.</summary>
    public static ApiException Forbidden(UserInfo user, RequestAttributes a, string plural)
    {
        var what = a.Name is null ? $"{plural} is forbidden" : $"{plural} \"{a.Name}\" is forbidden";
        var resource = a.Subresource is null ? a.Resource : $"{a.Resource}/{a.Subresource}";
        var scope = a.Namespace is null ? "at the cluster scope" : $"in the namespace \"{a.Namespace}\"";
        return new ApiException(
            403,
            "Forbidden",
            $"{what}: User \"{user.Name}\" cannot {a.Verb} resource \"{resource}\" in API group \"{a.Group}\" {scope}"
        );
    }
}
