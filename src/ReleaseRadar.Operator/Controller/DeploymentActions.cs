using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Core.Status;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// What Release Radar does to the target Deployment: observe it (TargetFound, the analysed revision), annotate it with
/// the verdict, or roll it back to the previous revision's pod template as `kubectl rollout undo` does, but only while it
/// still runs the revision the Release analysed.
/// </summary>
public sealed class DeploymentActions(IKubernetes client, TimeProvider clock)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string Prefix = "releaseradar.io/";
    private const string FieldManager = "release-radar";

    /// <summary>Reads the target and records whether it exists and which revision it runs.</summary>
    public async Task<(ReleaseStatus Status, V1Deployment? Deployment)> ObserveAsync(Release release, ReleaseStatus status, CancellationToken ct)
    {
        if (release.Spec.Target?.Name is not { } name) return (status, null);
        var ns = release.Metadata.NamespaceProperty ?? "default";
        var stamp = Rfc3339.Format(clock.GetUtcNow());
        try
        {
            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct);
            var revision = Annotation(deployment.Metadata, RevisionAnnotation);
            return (status with
            {
                TargetRevision = status.TargetRevision ?? revision,
                Conditions = Conditions.Set(status.Conditions, Conditions.TargetFound, true, "DeploymentFound",
                    $"Deployment {ns}/{name}{(revision is null ? "" : $" at revision {revision}")}", stamp, release.Metadata.Generation),
            }, deployment);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (status with
            {
                Conditions = Conditions.Set(status.Conditions, Conditions.TargetFound, false, "DeploymentNotFound",
                    $"Deployment {ns}/{name} not found; the analysis goes on, but it cannot be annotated or rolled back", stamp, release.Metadata.Generation),
            }, null);
        }
    }

    /// <summary>Carries out spec.rollback for the current verdict. Returns what was done, for the status and events.</summary>
    public async Task<IReadOnlyList<ActionRecord>> ActAsync(Release release, ReleaseStatus status, V1Deployment? deployment, CancellationToken ct)
    {
        var action = release.Spec.Rollback ?? "None";
        if (action == "None" || deployment is null || status.Verdict is null) return [];
        var records = new List<ActionRecord>();
        if (await AnnotateAsync(release, status, deployment, ct) is { } annotated) records.Add(annotated);
        if (action == "Undo" && status.Verdict == "RIESGOSO" && !(status.Actions ?? []).Any(a => a.Action == "Undo"))
            records.Add(await UndoAsync(release, status, deployment, ct));
        return records;
    }

    private async Task<ActionRecord?> AnnotateAsync(Release release, ReleaseStatus status, V1Deployment deployment, CancellationToken ct)
    {
        var wanted = new Dictionary<string, string>
        {
            [Prefix + "verdict"] = status.Verdict!,
            [Prefix + "risk-score"] = (status.RiskScore ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Prefix + "release"] = release.Metadata.Name,
            [Prefix + "rollback-recommended"] = status.Verdict == "RIESGOSO" ? "true" : "false",
            [Prefix + "summary"] = Truncate(string.Join(" | ", (status.Reasons ?? []).Take(3)), 1000),
        };
        var current = deployment.Metadata.Annotations ?? new Dictionary<string, string>();
        // Only a change of verdict is worth a write (and an action record and an Event): the score and the summary move
        // at every analysis, and re-patching the Deployment each interval would be noise on both.
        string[] stable = [Prefix + "verdict", Prefix + "release", Prefix + "rollback-recommended"];
        if (stable.All(k => current.TryGetValue(k, out var v) && v == wanted[k]))
            // Nothing to change, so no write; recorded only if the status does not show it yet (after a failure in between).
            return Owed(release, status) ? Record("Annotate", deployment, status.Verdict!, "Succeeded", $"Annotations already show verdict {status.Verdict}") : null;
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject(wanted.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) } };
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, fieldManager: FieldManager, cancellationToken: ct);
        return Record("Annotate", deployment, status.Verdict!, "Succeeded", $"Annotated with verdict {status.Verdict}, risk score {status.RiskScore}");
    }

    private async Task<ActionRecord> UndoAsync(Release release, ReleaseStatus status, V1Deployment deployment, CancellationToken ct)
    {
        var running = Annotation(deployment.Metadata, RevisionAnnotation);
        if (status.TargetRevision is { } analysed && running != analysed)
            return Record("Undo", deployment, "RIESGOSO", "Skipped", $"The Deployment now runs revision {running}, not the analysed revision {analysed}; not rolling back someone else's rollout");
        if (!long.TryParse(running, out var current))
            return Record("Undo", deployment, "RIESGOSO", "Skipped", "The Deployment has no revision annotation; cannot tell which revision to roll back to");

        var selector = string.Join(",", (deployment.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}"));
        var replicaSets = await client.AppsV1.ListNamespacedReplicaSetAsync(deployment.Metadata.NamespaceProperty, labelSelector: selector, cancellationToken: ct);
        var previous = replicaSets.Items
            .Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Uid == deployment.Metadata.Uid) == true)
            .Select(rs => (rs, revision: long.TryParse(Annotation(rs.Metadata, RevisionAnnotation), out var r) ? r : -1))
            .Where(x => x.revision >= 0 && x.revision < current)
            .OrderByDescending(x => x.revision)
            .FirstOrDefault();
        if (previous.rs is null)
            return Record("Undo", deployment, "RIESGOSO", "Skipped", $"No earlier revision than {current} among the Deployment's ReplicaSets");

        // The previous ReplicaSet's pod template, without the hash label the Deployment controller adds.
        var template = JsonNode.Parse(KubernetesJson.Serialize(previous.rs.Spec.Template))!.AsObject();
        (template["metadata"]?["labels"] as JsonObject)?.Remove("pod-template-hash");
        // "test" makes the patch conditional: if anyone changed the revision meanwhile, the API server refuses it.
        var patch = new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/annotations/deployment.kubernetes.io~1revision", ["value"] = running },
            new JsonObject { ["op"] = "replace", ["path"] = "/spec/template", ["value"] = template });
        try
        {
            await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.JsonPatch),
                deployment.Metadata.Name, deployment.Metadata.NamespaceProperty, fieldManager: FieldManager, cancellationToken: ct);
        }
        catch (HttpOperationException e) when ((int)e.Response.StatusCode is 409 or 422)
        {
            return Record("Undo", deployment, "RIESGOSO", "Skipped", $"The Deployment changed while rolling back ({(int)e.Response.StatusCode}); leaving it as it is");
        }
        return Record("Undo", deployment, "RIESGOSO", "Succeeded", $"Rolled back from revision {current} to the pod template of revision {previous.revision} (ReplicaSet {previous.rs.Metadata.Name})");
    }

    private ActionRecord Record(string action, V1Deployment d, string verdict, string result, string message) => new()
    {
        Time = Rfc3339.Format(clock.GetUtcNow()), Action = action, Verdict = verdict, Target = $"Deployment/{d.Metadata.Name}", Result = result, Message = message,
    };

    /// <summary>
    /// Whether spec.rollback still owes the target something for the current verdict: an Annotate record for this verdict,
    /// or, when RIESGOSO with Undo, an Undo record. Not while the Deployment is missing: there is nothing to act on.
    /// </summary>
    /// <summary>At most this many action records are kept (every Undo is kept whatever the count: it is never repeated).</summary>
    public const int MaxActions = 20;

    /// <summary>The action history after appending, bounded.</summary>
    public static List<ActionRecord> Bounded(IEnumerable<ActionRecord> actions)
    {
        var all = actions.ToList();
        if (all.Count <= MaxActions) return all;
        var keep = all.Where(a => a.Action == "Undo").Concat(all.Where(a => a.Action != "Undo").TakeLast(MaxActions)).ToHashSet();
        return [.. all.Where(keep.Contains)];
    }

    public static bool Owed(Release release, ReleaseStatus? status)
    {
        var action = release.Spec.Rollback ?? "None";
        if (action == "None" || status?.Verdict is not { } verdict || release.Spec.Target?.Name is null) return false;
        if (Conditions.Find(status, Conditions.TargetFound)?.Status == "False") return false;
        var actions = status.Actions ?? [];
        var annotated = actions.Any(a => a.Action == "Annotate" && a.Verdict == verdict);
        var undone = verdict != "RIESGOSO" || action != "Undo" || actions.Any(a => a.Action == "Undo");
        return !annotated || !undone;
    }

    private static string? Annotation(V1ObjectMeta? meta, string key) => meta?.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
