using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// The part of kube-controller-manager's Deployment controller that clients see in the API: every pod template a
/// Deployment runs gets a ReplicaSet named after the template's hash, labelled <c>pod-template-hash</c>, owned by the
/// Deployment and stamped with its creation time; each new template (a rollout, <c>kubectl rollout undo</c>,
/// <c>helm rollback</c>) bumps <c>deployment.kubernetes.io/revision</c> on the Deployment and on that ReplicaSet, and a
/// template seen before gets its old ReplicaSet back under the new revision, as the real controller does. It runs right
/// after the client's write commits, as a second write with its own watch event, so a client sees the Deployment without
/// the new revision first, as it would from a real cluster. No pods are made and no replicas are counted.
/// </summary>
internal static class DeploymentRollouts
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string HashLabel = "pod-template-hash";

    /// <summary>Brings the ReplicaSets of <paramref name="deployment"/> in line with its template; returns the writes to make.</summary>
    public static (JsonObject? ReplicaSet, bool Created, JsonObject? Deployment) Roll(JsonObject deployment, IReadOnlyList<JsonObject> replicaSets)
    {
        var meta = (JsonObject)deployment["metadata"]!;
        var uid = meta["uid"]!.GetValue<string>();
        var template = deployment["spec"]?["template"]?.DeepClone() as JsonObject ?? new JsonObject();
        (template["metadata"]?["labels"] as JsonObject)?.Remove(HashLabel);
        var hash = Hash(Canonical(template)?.ToJsonString() ?? "{}");
        var owned = replicaSets
            .Where(rs => rs["metadata"]?["ownerReferences"] is JsonArray refs && refs.Any(r => r?["uid"]?.GetValue<string>() == uid))
            .ToList();
        var current = owned.FirstOrDefault(rs => rs["metadata"]?["labels"]?[HashLabel]?.GetValue<string>() == hash);
        var deployedRevision = Annotation(meta, RevisionAnnotation);
        var generation = meta["generation"]?.GetValue<long>() ?? 0;
        var observed = deployment["status"]?["observedGeneration"]?.GetValue<long>();
        if (
            current is not null
            && Annotation((JsonObject)current["metadata"]!, RevisionAnnotation) == deployedRevision
            && deployedRevision is not null
        )
            return observed == generation ? (null, false, null) : (null, false, Observed(deployment, generation));
        static long RevisionOf(JsonObject rs) => long.TryParse(Annotation((JsonObject)rs["metadata"]!, RevisionAnnotation), out var r) ? r : 0;
        var newest = owned.Select(RevisionOf).DefaultIfEmpty(0).Max();
        // The template's ReplicaSet keeps its revision while it is the newest; an older one comes back as the next revision.
        var revision = (current is not null && RevisionOf(current) == newest && newest > 0 ? newest : newest + 1).ToString(
            CultureInfo.InvariantCulture
        );

        JsonObject replicaSet;
        var created = current is null;
        if (current is null)
        {
            var labels = (template["metadata"]?["labels"] as JsonObject)?.DeepClone() as JsonObject ?? new JsonObject();
            labels[HashLabel] = hash;
            var podTemplate = (JsonObject)template.DeepClone();
            podTemplate["metadata"] ??= new JsonObject();
            podTemplate["metadata"]!["labels"] = labels.DeepClone();
            var selector = deployment["spec"]?["selector"]?.DeepClone() as JsonObject ?? new JsonObject();
            selector["matchLabels"] ??= new JsonObject();
            selector["matchLabels"]![HashLabel] = hash;
            replicaSet = new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "ReplicaSet",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{meta["name"]!.GetValue<string>()}-{hash}",
                    ["namespace"] = meta["namespace"]?.DeepClone(),
                    ["labels"] = labels,
                    ["annotations"] = new JsonObject { [RevisionAnnotation] = revision },
                    ["ownerReferences"] = new JsonArray(
                        new JsonObject
                        {
                            ["apiVersion"] = "apps/v1",
                            ["kind"] = "Deployment",
                            ["name"] = meta["name"]!.DeepClone(),
                            ["uid"] = uid,
                            ["controller"] = true,
                            ["blockOwnerDeletion"] = true,
                        }
                    ),
                },
                ["spec"] = new JsonObject
                {
                    ["replicas"] = deployment["spec"]?["replicas"]?.DeepClone() ?? 1,
                    ["selector"] = selector,
                    ["template"] = podTemplate,
                },
            };
        }
        else
        {
            replicaSet = (JsonObject)current.DeepClone();
            var annotations = replicaSet["metadata"]!["annotations"] as JsonObject ?? new JsonObject();
            replicaSet["metadata"]!["annotations"] = annotations;
            annotations[RevisionAnnotation] = revision;
        }

        var updated = Observed(deployment, generation);
        var deploymentAnnotations = updated["metadata"]!["annotations"] as JsonObject ?? new JsonObject();
        updated["metadata"]!["annotations"] = deploymentAnnotations;
        deploymentAnnotations[RevisionAnnotation] = revision;
        return (replicaSet, created, updated);
    }

    /// <summary>The Deployment with status.observedGeneration at its generation: the controller has acted on this spec.</summary>
    private static JsonObject Observed(JsonObject deployment, long generation)
    {
        var updated = (JsonObject)deployment.DeepClone();
        var status = updated["status"] as JsonObject ?? new JsonObject();
        updated["status"] = status;
        status["observedGeneration"] = generation;
        return updated;
    }

    /// <summary>
    /// The template as the controller compares it: keys sorted, nulls and empty objects and lists left out. A real API
    /// server defaults every field, so a template read back from a ReplicaSet by kubectl (Go structs: other key order,
    /// "creationTimestamp": null, "resources": {}) and re-sent by <c>kubectl rollout undo</c> is the same template.
    /// </summary>
    private static JsonNode? Canonical(JsonNode? node) =>
        node switch
        {
            JsonObject o => o.Select(kv => (kv.Key, Value: Canonical(kv.Value)))
                .Where(kv => kv.Value is not null)
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Aggregate(
                    new JsonObject(),
                    (acc, kv) =>
                    {
                        acc[kv.Key] = kv.Value;
                        return acc;
                    }
                )
                is { Count: > 0 } sorted
                ? sorted
                : null,
            JsonArray a => a.Select(Canonical).ToList() is { Count: > 0 } items ? new JsonArray([.. items]) : null,
            null => null,
            _ => node.DeepClone(),
        };

    private static string? Annotation(JsonObject meta, string key) => meta["annotations"]?[key]?.GetValue<string>();

    /// <summary>
    /// A short hash of the template in the alphabet the controller uses for <c>pod-template-hash</c> (no vowels, so no
    /// words): stable for one template, different for another.
    /// </summary>
    private static string Hash(string template)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        ulong h = 14695981039346656037;
        foreach (var b in Encoding.UTF8.GetBytes(template))
            h = (h ^ b) * 1099511628211;
        var s = new StringBuilder();
        for (var i = 0; i < 10; i++, h /= 27)
            s.Append(alphabet[(int)(h % 27)]);
        return s.ToString();
    }
}
