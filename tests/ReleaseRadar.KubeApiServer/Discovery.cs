using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// What kubectl and helm read before any request: the legacy discovery documents (/api, /apis, one APIResourceList per
/// group version), /version and OpenAPI v3. kubectl asks for aggregated discovery first and falls back to these when the
/// answer is plain JSON, as it does with older servers. OpenAPI v3 carries each kind's PATCH operation with the
/// fieldValidation parameter (so kubectl validates on the server, with Strict), and the CRDs' schemas (so that
/// <c>kubectl explain</c> works).
/// </summary>
public static class Discovery
{
    public const string GitVersion = "v1.33.0-releaseradar-test";

    public static JsonObject Version() =>
        new()
        {
            ["major"] = "1",
            ["minor"] = "33",
            ["gitVersion"] = GitVersion,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2026-01-01T00:00:00Z",
            ["goVersion"] = "go1.24",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };

    public static JsonObject CoreVersions(Uri url) =>
        new()
        {
            ["kind"] = "APIVersions",
            ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = url.Authority }),
        };

    public static JsonObject Groups(IEnumerable<ResourceType> types) =>
        new()
        {
            ["kind"] = "APIGroupList",
            ["apiVersion"] = "v1",
            ["groups"] = new JsonArray([
                .. types.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).OrderBy(g => g.Key, StringComparer.Ordinal).Select(Group),
            ]),
        };

    public static JsonObject Group(IGrouping<string, ResourceType> g)
    {
        var versions = g.Select(t => t.Version).Distinct().ToList();
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = g.Key,
            ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v })]),
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{g.Key}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    public static JsonObject Resources(string groupVersion, IEnumerable<ResourceType> types)
    {
        var list = new JsonArray();
        foreach (var t in types.OrderBy(t => t.Plural, StringComparer.Ordinal))
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
            };
            if (t.ShortNames.Count > 0)
                r["shortNames"] = new JsonArray([.. t.ShortNames.Select(s => (JsonNode)s)]);
            if (t.Categories.Count > 0)
                r["categories"] = new JsonArray([.. t.Categories.Select(s => (JsonNode)s)]);
            list.Add(r);
            if (t.HasStatus)
                list.Add(
                    new JsonObject
                    {
                        ["name"] = t.Plural + "/status",
                        ["singularName"] = "",
                        ["namespaced"] = t.Namespaced,
                        ["kind"] = t.Kind,
                        ["verbs"] = new JsonArray("get", "patch", "update"),
                    }
                );
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = groupVersion,
            ["resources"] = list,
        };
    }

    public static string OpenApiPath(string groupVersion) =>
        groupVersion.Contains('/', StringComparison.Ordinal) ? "apis/" + groupVersion : "api/" + groupVersion;

    public static JsonObject OpenApiRoot(IEnumerable<ResourceType> types)
    {
        var paths = new JsonObject();
        foreach (var gv in types.GroupBy(t => t.GroupVersion).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(OpenApiDocument(gv.Key, gv).ToJsonString())))[..16];
            paths[OpenApiPath(gv.Key)] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{OpenApiPath(gv.Key)}?hash={hash}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>One group version's OpenAPI v3 document.</summary>
    public static JsonObject OpenApiDocument(string groupVersion, IEnumerable<ResourceType> types)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject
        {
            [ObjectMetaName] = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
                ["x-kubernetes-preserve-unknown-fields"] = true,
            },
        };
        foreach (var t in types)
        {
            var gvk = new JsonObject
            {
                ["group"] = t.Group,
                ["version"] = t.Version,
                ["kind"] = t.Kind,
            };
            var item = t.Namespaced
                ? $"/{OpenApiPath(groupVersion)}/namespaces/{{namespace}}/{t.Plural}/{{name}}"
                : $"/{OpenApiPath(groupVersion)}/{t.Plural}/{{name}}";
            var collection = item[..item.LastIndexOf('/')];
            JsonObject Op(string verb) =>
                new()
                {
                    ["operationId"] = verb + t.Kind,
                    ["x-kubernetes-action"] = verb,
                    ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
                    ["parameters"] = new JsonArray(
                        new JsonObject
                        {
                            ["name"] = "dryRun",
                            ["in"] = "query",
                            ["schema"] = new JsonObject { ["type"] = "string" },
                        },
                        new JsonObject
                        {
                            ["name"] = "fieldManager",
                            ["in"] = "query",
                            ["schema"] = new JsonObject { ["type"] = "string" },
                        },
                        new JsonObject
                        {
                            ["name"] = "fieldValidation",
                            ["in"] = "query",
                            ["schema"] = new JsonObject { ["type"] = "string" },
                        }
                    ),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                };
            paths[item] = new JsonObject { ["put"] = Op("put"), ["patch"] = Op("patch") };
            paths[collection] = new JsonObject { ["post"] = Op("post") };
            // Only custom resources carry a schema: for built-in kinds kubectl then uses its compiled-in types (for
            // strategic merge patch keys), which are the real ones.
            if (t.OpenApiSchema is { } schema)
            {
                var s = (JsonObject)schema.DeepClone();
                if (s["properties"] is JsonObject props && props.ContainsKey("metadata"))
                    props["metadata"] = new JsonObject
                    {
                        ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + ObjectMetaName }),
                    };
                s["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
                schemas[SchemaName(t)] = s;
            }
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private const string ObjectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    /// <summary>The API server names a CRD's schema after its reversed group: releaseradar.io → io.releaseradar.v1alpha1.Release.</summary>
    public static string SchemaName(ResourceType t) => $"{string.Join('.', t.Group.Split('.').Reverse())}.{t.Version}.{t.Kind}";
}
