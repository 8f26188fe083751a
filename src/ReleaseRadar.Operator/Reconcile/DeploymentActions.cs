using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// Carries out what a decision asks of the target Deployment: annotate it with the verdict, or roll it back to the
/// previous revision's pod template as `kubectl rollout undo` does, but only while it still runs the revision that was
/// judged (the patch itself tests it, so a rollout that lands meanwhile is never undone). Returns what happened, for
/// the status: an action the API server refused is Failed, not thrown, so the analysis it answered is still recorded.
/// </summary>
internal sealed class DeploymentActions(IKubernetes client, TimeProvider clock)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string Prefix = "releaseradar.io/";
    public const string RolledBackBy = Prefix + "rolled-back-by";
    public const string RolledBackFrom = Prefix + "rolled-back-from";
    public const string RolledBackRevision = Prefix + "rolled-back-revision";
    private const string HashLabel = "pod-template-hash";
    private const string FieldManager = "release-radar";

    /// <summary>The target as a decision reads it, from the Deployment the informer holds (null: not found).</summary>
    public static TargetView View(string ns, string name, V1Deployment? deployment)
    {
        if (deployment is null)
            return new TargetView(ns, name, Exists: false);
        var a = deployment.Metadata?.Annotations;
        return new TargetView(
            ns,
            name,
            Exists: true,
            Annotation(a, RevisionAnnotation),
            StatusWire.ParseVerdict(Annotation(a, Prefix + "verdict")),
            Annotation(a, Prefix + "release"),
            bool.TryParse(Annotation(a, Prefix + "rollback-recommended"), out var recommended) ? recommended : null,
            Annotation(a, RolledBackBy),
            Annotation(a, RolledBackFrom),
            deployment.Status?.ObservedGeneration is not { } seen || seen >= (deployment.Metadata?.Generation ?? 0)
        );
    }

    /// <summary>
    /// The Deployment as the API server has it now (null: gone). Binding reads it so: a hook's Release can reach the cache
    /// before the rollout it follows does, and a stale view would bind it to the rollout before.
    /// </summary>
    public async Task<V1Deployment?> ReadAsync(string ns, string name, CancellationToken ct)
    {
        try
        {
            return await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The Deployment's own ReplicaSets (its controller's ownerReference), read into what binding needs.</summary>
    public async Task<IReadOnlyList<ReplicaSetFact>> ReplicaSetsAsync(V1Deployment deployment, CancellationToken ct) =>
        [
            .. (await OwnedAsync(deployment, ct)).Select(rs => new ReplicaSetFact(
                rs.Metadata.Name,
                Annotation(rs.Metadata.Annotations, RevisionAnnotation),
                HashOf(rs),
                rs.Metadata.CreationTimestamp is { } c ? new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)) : DateTimeOffset.MinValue
            )),
        ];

    private async Task<IReadOnlyList<V1ReplicaSet>> OwnedAsync(V1Deployment deployment, CancellationToken ct)
    {
        var selector = string.Join(
            ",",
            (deployment.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}")
        );
        var replicaSets = await client.AppsV1.ListNamespacedReplicaSetAsync(
            deployment.Metadata.NamespaceProperty,
            labelSelector: selector,
            cancellationToken: ct
        );
        return [.. replicaSets.Items.Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Uid == deployment.Metadata.Uid) == true)];
    }

    public async Task<ImmutableArray<ActionTaken>> CarryOutAsync(IEnumerable<TargetIntent> intents, V1Deployment deployment, CancellationToken ct)
    {
        var taken = ImmutableArray.CreateBuilder<ActionTaken>();
        foreach (var intent in intents)
        {
            var action = intent is TargetIntent.Undo ? ReleaseAction.Undo : ReleaseAction.Annotate;
            try
            {
                taken.Add(
                    intent switch
                    {
                        TargetIntent.Annotate a => await AnnotateAsync(a, deployment, ct),
                        TargetIntent.Undo u => await UndoAsync(u, deployment, ct),
                        _ => throw new ArgumentException($"no action for {intent.GetType().Name}", nameof(intents)),
                    }
                );
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException)
            {
                var why = e is HttpOperationException h ? $"HTTP {(int)h.Response.StatusCode} {Truncate(h.Response.Content ?? "", 200)}" : e.Message;
                taken.Add(Record(intent, action, ActionResult.Failed, $"{action} of {intent.Target.Reference} failed ({why}); retried with backoff"));
            }
        }
        return taken.ToImmutable();
    }

    private async Task<ActionTaken> AnnotateAsync(TargetIntent.Annotate intent, V1Deployment deployment, CancellationToken ct)
    {
        var word = StatusWire.Word(intent.Verdict);
        var wanted = new Dictionary<string, string>
        {
            [Prefix + "verdict"] = word,
            [Prefix + "risk-score"] = intent.RiskScore.ToString(CultureInfo.InvariantCulture),
            [Prefix + "release"] = intent.Release,
            [Prefix + "rollback-recommended"] = intent.Verdict == Verdict.Risky ? "true" : "false",
            [Prefix + "summary"] = Truncate(intent.Summary, 1000),
        };
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject(wanted.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) },
        };
        await PatchAsync(deployment, patch, V1Patch.PatchType.MergePatch, ct);
        return Record(intent, ReleaseAction.Annotate, ActionResult.Succeeded, $"Annotated with verdict {word}, risk score {intent.RiskScore}");
    }

    private async Task<ActionTaken> UndoAsync(TargetIntent.Undo intent, V1Deployment deployment, CancellationToken ct)
    {
        ActionTaken Skipped(string message) => Record(intent, ReleaseAction.Undo, ActionResult.Skipped, message);
        // Read afresh: the informer's copy may predate another Release's Undo of this same rollout, and the patch below is
        // conditional on exactly the version read here.
        deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(
            deployment.Metadata.Name,
            deployment.Metadata.NamespaceProperty,
            cancellationToken: ct
        );
        if (ReconcileDecision.UndoRefusal(View(intent.Target.Namespace, intent.Target.Name, deployment), intent.Hash, intent.Revision) is { } why)
            return Skipped(why);
        var current = long.Parse(intent.Revision, CultureInfo.InvariantCulture);
        var owned = (await OwnedAsync(deployment, ct))
            .Select(rs => (rs, revision: long.TryParse(Annotation(rs.Metadata.Annotations, RevisionAnnotation), out var r) ? r : -1))
            .ToList();
        var running = owned.FirstOrDefault(x => x.revision == current).rs;
        if (intent.Hash is { } judged && (running is null || HashOf(running) != judged))
            return Skipped(
                $"Revision {current} runs ReplicaSet {running?.Metadata.Name ?? "(none)"}, not the judged pod template {judged}; leaving it as it is"
            );
        var previous = owned.Where(x => x.revision >= 0 && x.revision < current).OrderByDescending(x => x.revision).FirstOrDefault();
        if (previous.rs is null)
            return Skipped($"No earlier revision than {current} among the Deployment's ReplicaSets");
        if (HashOf(previous.rs) is { } back && back == Annotation(deployment.Metadata.Annotations, RolledBackFrom))
            return Skipped(
                $"Revision {previous.revision} (ReplicaSet {previous.rs.Metadata.Name}) is a pod template Release Radar already rolled back "
                    + $"(by {Annotation(deployment.Metadata.Annotations, RolledBackBy)}); not redeploying it"
            );

        // The previous ReplicaSet's pod template, without the hash label the Deployment controller adds.
        var template = JsonNode.Parse(KubernetesJson.Serialize(previous.rs.Spec.Template))!.AsObject();
        (template["metadata"]?["labels"] as JsonObject)?.Remove("pod-template-hash");
        // "test" makes the patch conditional on the Deployment as read: if anything moved it since, the API server refuses it.
        var patch = new JsonArray(
            new JsonObject
            {
                ["op"] = "test",
                ["path"] = "/metadata/resourceVersion",
                ["value"] = deployment.Metadata.ResourceVersion,
            },
            new JsonObject
            {
                ["op"] = "replace",
                ["path"] = "/spec/template",
                ["value"] = template,
            },
            // The record of this Undo lives on the Deployment, written with it: a re-created Release, a status write lost to
            // a conflict, or a second operator reads it and never undoes again.
            Set(RolledBackBy, intent.Release),
            Set(RolledBackFrom, intent.Hash ?? ""),
            Set(RolledBackRevision, intent.Revision)
        );
        try
        {
            await PatchAsync(deployment, patch, V1Patch.PatchType.JsonPatch, ct);
        }
        catch (HttpOperationException e) when ((int)e.Response.StatusCode is 409 or 422)
        {
            // Failed, not Skipped: the next reconcile reads what moved it and decides again (a new rollout supersedes this one).
            return Record(
                intent,
                ReleaseAction.Undo,
                ActionResult.Failed,
                $"The Deployment changed while it was being rolled back ({(int)e.Response.StatusCode}); decided again on the next reconcile"
            );
        }
        return Record(
            intent,
            ReleaseAction.Undo,
            ActionResult.Succeeded,
            $"Rolled back from revision {current} to the pod template of revision {previous.revision} (ReplicaSet {previous.rs.Metadata.Name})"
        ) with
        {
            ToRevision = $"{previous.revision}",
        };
    }

    /// <summary>The pod template a ReplicaSet runs, by the label the Deployment controller gives it.</summary>
    private static string? HashOf(V1ReplicaSet rs) => rs.Metadata.Labels is { } l && l.TryGetValue(HashLabel, out var h) ? h : null;

    private static JsonObject Set(string annotation, string value) =>
        new()
        {
            ["op"] = "add",
            ["path"] =
                "/metadata/annotations/" + annotation.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal),
            ["value"] = value,
        };

    private Task<V1Deployment> PatchAsync(V1Deployment deployment, JsonNode patch, V1Patch.PatchType type, CancellationToken ct) =>
        client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(patch.ToJsonString(), type),
            deployment.Metadata.Name,
            deployment.Metadata.NamespaceProperty,
            fieldManager: FieldManager,
            cancellationToken: ct
        );

    private ActionTaken Record(TargetIntent intent, ReleaseAction action, ActionResult result, string message) =>
        new(ReconcileDecision.Stamp(clock.GetUtcNow()), action, intent.Verdict, intent.Target.Reference, result, message);

    private static string? Annotation(IDictionary<string, string>? annotations, string key) =>
        annotations is { } a && a.TryGetValue(key, out var v) ? v : null;

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
