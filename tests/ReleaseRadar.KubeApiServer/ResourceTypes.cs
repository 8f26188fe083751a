using NJsonSchema;

namespace ReleaseRadar.KubeApiServer;

/// <summary>A kind the server serves, and which API rules apply to it.</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasStatus, bool HasSpec, JsonSchema? Schema = null)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string Key => $"{Group}/{Version}/{Plural}";
}

public static class ResourceTypes
{
    public static IReadOnlyList<ResourceType> BuiltIn() =>
    [
        new("", "v1", "events", "Event", true, false, false),
        new("", "v1", "secrets", "Secret", true, false, false),
        new("", "v1", "namespaces", "Namespace", false, true, true),
        new("apps", "v1", "deployments", "Deployment", true, true, true),
        new("apps", "v1", "replicasets", "ReplicaSet", true, true, true),
        new("coordination.k8s.io", "v1", "leases", "Lease", true, false, true),
        new("events.k8s.io", "v1", "events", "Event", true, false, false),
    ];
}
