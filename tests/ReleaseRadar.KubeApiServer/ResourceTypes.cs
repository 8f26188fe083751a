using System.Text.Json.Nodes;
using NJsonSchema;

namespace ReleaseRadar.KubeApiServer;

/// <summary>A column of the server-side Table output (a CRD's additionalPrinterColumns, or a built-in kind's usual columns).</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, int Priority = 0, string Description = "", string Format = "");

/// <summary>A kind the server serves, and which API rules apply to it.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced,
    bool HasStatus,
    bool HasSpec,
    JsonSchema? Schema = null
)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string Key => $"{Group}/{Version}/{Plural}";
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";
    public string Singular { get; init; } = Kind.ToLowerInvariant();
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Table columns after Name; empty means Name and Age.</summary>
    public IReadOnlyList<PrinterColumn> Columns { get; init; } = [];

    /// <summary>The structural OpenAPI v3 schema (CRDs): used for pruning, defaulting, strict field validation and OpenAPI.</summary>
    public JsonObject? OpenApiSchema { get; init; }

    /// <summary>The CustomResourceDefinition this kind came from, if any.</summary>
    public string? CrdName { get; init; }

    public string Resource(bool status) => status ? Plural + "/status" : Plural;
}

public static class ResourceTypes
{
    private static readonly PrinterColumn Age = new("Age", "date", ".metadata.creationTimestamp");

    public static IReadOnlyList<ResourceType> BuiltIn() =>
        [
            new("", "v1", "namespaces", "Namespace", false, true, true)
            {
                ShortNames = ["ns"],
                Columns = [new("Status", "string", ".status.phase"), Age],
            },
            new("", "v1", "events", "Event", true, false, false) { ShortNames = ["ev"] },
            new("", "v1", "secrets", "Secret", true, false, false) { Columns = [new("Type", "string", ".type"), Age] },
            new("", "v1", "configmaps", "ConfigMap", true, false, false) { ShortNames = ["cm"] },
            new("", "v1", "serviceaccounts", "ServiceAccount", true, false, false) { ShortNames = ["sa"] },
            new("", "v1", "services", "Service", true, true, true)
            {
                ShortNames = ["svc"],
                Categories = ["all"],
                Columns =
                [
                    new("Type", "string", ".spec.type"),
                    new("Cluster-IP", "string", ".spec.clusterIP"),
                    Age,
                    new("Selector", "string", ".spec.selector", 1),
                ],
            },
            new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, true, true)
            {
                ShortNames = ["pvc"],
                Columns = [new("Status", "string", ".status.phase"), new("Capacity", "string", ".spec.resources.requests.storage"), Age],
            },
            new("", "v1", "pods", "Pod", true, true, true)
            {
                ShortNames = ["po"],
                Categories = ["all"],
                Columns = [new("Status", "string", ".status.phase"), Age],
            },
            new("apps", "v1", "deployments", "Deployment", true, true, true)
            {
                ShortNames = ["deploy"],
                Categories = ["all"],
                Columns =
                [
                    new("Ready", "string", ".status.readyReplicas/.spec.replicas"),
                    new("Up-to-date", "integer", ".status.updatedReplicas"),
                    new("Available", "integer", ".status.availableReplicas"),
                    Age,
                    new("Containers", "string", ".spec.template.spec.containers[*].name", 1),
                    new("Images", "string", ".spec.template.spec.containers[*].image", 1),
                    new("Selector", "string", ".spec.selector.matchLabels", 1),
                ],
            },
            new("apps", "v1", "replicasets", "ReplicaSet", true, true, true)
            {
                ShortNames = ["rs"],
                Categories = ["all"],
                Columns =
                [
                    new("Desired", "integer", ".spec.replicas"),
                    new("Current", "integer", ".status.replicas"),
                    new("Ready", "integer", ".status.readyReplicas"),
                    Age,
                ],
            },
            new("batch", "v1", "cronjobs", "CronJob", true, true, true)
            {
                ShortNames = ["cj"],
                Categories = ["all"],
                Columns =
                [
                    new("Schedule", "string", ".spec.schedule"),
                    new("Suspend", "boolean", ".spec.suspend"),
                    new("Last Schedule", "date", ".status.lastScheduleTime"),
                    Age,
                ],
            },
            new("batch", "v1", "jobs", "Job", true, true, true)
            {
                Categories = ["all"],
                Columns = [new("Status", "string", ".status.conditions[0].type"), Age],
            },
            new("coordination.k8s.io", "v1", "leases", "Lease", true, false, true)
            {
                Columns = [new("Holder", "string", ".spec.holderIdentity"), Age],
            },
            new("events.k8s.io", "v1", "events", "Event", true, false, false) { ShortNames = ["ev"] },
            new("rbac.authorization.k8s.io", "v1", "roles", "Role", true, false, false),
            new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, false, false)
            {
                Columns = [new("Role", "string", ".roleRef.name"), Age],
            },
            new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, false, false),
            new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, false, false)
            {
                Columns = [new("Role", "string", ".roleRef.name"), Age],
            },
            new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, true) { ShortNames = ["netpol"] },
            new("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, true)
            {
                ShortNames = ["ing"],
                Columns = [new("Class", "string", ".spec.ingressClassName"), Age],
            },
            new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, true) { ShortNames = ["pdb"] },
            new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, true, true)
            {
                ShortNames = ["crd", "crds"],
                Columns = [new("Created At", "string", ".metadata.creationTimestamp")],
            },
        ];
}
