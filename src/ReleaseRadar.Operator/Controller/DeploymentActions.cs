using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;

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
        if (release.Spec.Target?.Name is not { } name)
            return (status, null);
        var ns = release.Metadata.NamespaceProperty ?? "default";
        var stamp = Rfc3339.Format(clock.GetUtcNow());
        try
        {
            var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct);
            var revision = Annotation(deployment.Metadata, RevisionAnnotation);
            return (
                status with
                {
                    TargetRevision = status.TargetRevision ?? revision,
                    Conditions = Conditions.Set(
                        status.Conditions,
                        Conditions.TargetFound,
                        true,
                        "DeploymentFound",
                        $"Deployment {ns}/{name}{(revision is null ? "" : $" at revision {revision}")}",
                        stamp,
                        release.Metadata.Generation
                    ),
                },
                deployment
            );
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return (
                status with
                {
                    Conditions = Conditions.Set(
                        status.Conditions,
                        Conditions.TargetFound,
                        false,
                        "DeploymentNotFound",
                        $"Deployment {ns}/{name} not found; the analysis goes on, but it cannot be annotated or rolled back",
                        stamp,
                        release.Metadata.Generation
                    ),
                },
                null
            );
        }
    }

    /// <summary>
    /// Carries out spec.rollback for the current verdict. Returns what was done, for the status and events. An action the
    /// API server refused is returned as Failed, not thrown, so the analysis it answered is still recorded; it stays owed.
    /// </summary>
    public async Task<IReadOnlyList<ActionRecord>> ActAsync(Release release, ReleaseStatus status, V1Deployment? deployment, CancellationToken ct)
    {
        var mode = release.Spec.Rollback ?? "None";
        if (mode == "None" || deployment is null || status.VerdictValue is not { } verdict)
            return [];
        var records = new List<ActionRecord>();
        if (
            await AttemptAsync(ReleaseAction.Annotate, verdict, deployment, () => AnnotateAsync(release, status, verdict, deployment, ct)) is
            { } annotated
        )
            records.Add(annotated);
        var undoneAlready = (status.Actions ?? []).Any(a => a.Kind == ReleaseAction.Undo && a.Outcome != ActionResult.Failed);
        if (
            mode == StatusWire.Word(ReleaseAction.Undo)
            && verdict == Verdict.Riesgoso
            && !undoneAlready
            && await AttemptAsync(ReleaseAction.Undo, verdict, deployment, async () => await UndoAsync(status, deployment, ct)) is { } undone
        )
            records.Add(undone);
        return records;
    }

    private async Task<ActionRecord?> AttemptAsync(ReleaseAction action, Verdict verdict, V1Deployment deployment, Func<Task<ActionRecord?>> run)
    {
        try
        {
            return await run();
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            var why = e is HttpOperationException h ? $"HTTP {(int)h.Response.StatusCode} {Truncate(h.Response.Content ?? "", 200)}" : e.Message;
            return Record(
                action,
                deployment,
                verdict,
                ActionResult.Failed,
                $"{action} of Deployment/{deployment.Metadata.Name} failed ({why}); retried with backoff"
            );
        }
    }

    private async Task<ActionRecord?> AnnotateAsync(
        Release release,
        ReleaseStatus status,
        Verdict verdict,
        V1Deployment deployment,
        CancellationToken ct
    )
    {
        var word = StatusWire.Word(verdict);
        var wanted = new Dictionary<string, string>
        {
            [Prefix + "verdict"] = word,
            [Prefix + "risk-score"] = (status.RiskScore ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Prefix + "release"] = release.Metadata.Name,
            [Prefix + "rollback-recommended"] = verdict == Verdict.Riesgoso ? "true" : "false",
            [Prefix + "summary"] = Truncate(string.Join(" | ", (status.Reasons ?? []).Take(3)), 1000),
        };
        var current = deployment.Metadata.Annotations ?? new Dictionary<string, string>();
        // Only a change of verdict is worth a write (and an action record and an Event): the score and the summary move
        // at every analysis, and re-patching the Deployment each interval would be noise on both.
        string[] stable = [Prefix + "verdict", Prefix + "release", Prefix + "rollback-recommended"];
        if (stable.All(k => current.TryGetValue(k, out var v) && v == wanted[k]))
            // Nothing to change, so no write; recorded only if the status does not show it yet (after a failure in between).
            return Owed(release, status)
                ? Record(ReleaseAction.Annotate, deployment, verdict, ActionResult.Succeeded, $"Annotations already show verdict {word}")
                : null;
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject(wanted.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) },
        };
        await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            deployment.Metadata.Name,
            deployment.Metadata.NamespaceProperty,
            fieldManager: FieldManager,
            cancellationToken: ct
        );
        return Record(
            ReleaseAction.Annotate,
            deployment,
            verdict,
            ActionResult.Succeeded,
            $"Annotated with verdict {word}, risk score {status.RiskScore}"
        );
    }

    private async Task<ActionRecord> UndoAsync(ReleaseStatus status, V1Deployment deployment, CancellationToken ct)
    {
        ActionRecord Skipped(string message) => Record(ReleaseAction.Undo, deployment, Verdict.Riesgoso, ActionResult.Skipped, message);
        var running = Annotation(deployment.Metadata, RevisionAnnotation);
        if (status.TargetRevision is { } analysed && running != analysed)
            return Skipped(
                $"The Deployment now runs revision {running}, not the analysed revision {analysed}; not rolling back someone else's rollout"
            );
        if (!long.TryParse(running, out var current))
            return Skipped("The Deployment has no revision annotation; cannot tell which revision to roll back to");

        var selector = string.Join(
            ",",
            (deployment.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>()).Select(kv => $"{kv.Key}={kv.Value}")
        );
        var replicaSets = await client.AppsV1.ListNamespacedReplicaSetAsync(
            deployment.Metadata.NamespaceProperty,
            labelSelector: selector,
            cancellationToken: ct
        );
        var previous = replicaSets
            .Items.Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Uid == deployment.Metadata.Uid) == true)
            .Select(rs => (rs, revision: long.TryParse(Annotation(rs.Metadata, RevisionAnnotation), out var r) ? r : -1))
            .Where(x => x.revision >= 0 && x.revision < current)
            .OrderByDescending(x => x.revision)
            .FirstOrDefault();
        if (previous.rs is null)
            return Skipped($"No earlier revision than {current} among the Deployment's ReplicaSets");

        // The previous ReplicaSet's pod template, without the hash label the Deployment controller adds.
        var template = JsonNode.Parse(KubernetesJson.Serialize(previous.rs.Spec.Template))!.AsObject();
        (template["metadata"]?["labels"] as JsonObject)?.Remove("pod-template-hash");
        // "test" makes the patch conditional: if anyone changed the revision meanwhile, the API server refuses it.
        var patch = new JsonArray(
            new JsonObject
            {
                ["op"] = "test",
                ["path"] = "/metadata/annotations/deployment.kubernetes.io~1revision",
                ["value"] = running,
            },
            new JsonObject
            {
                ["op"] = "replace",
                ["path"] = "/spec/template",
                ["value"] = template,
            }
        );
        try
        {
            await client.AppsV1.PatchNamespacedDeploymentAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.JsonPatch),
                deployment.Metadata.Name,
                deployment.Metadata.NamespaceProperty,
                fieldManager: FieldManager,
                cancellationToken: ct
            );
        }
        catch (HttpOperationException e) when ((int)e.Response.StatusCode is 409 or 422)
        {
            return Skipped($"The Deployment changed while rolling back ({(int)e.Response.StatusCode}); leaving it as it is");
        }
        return Record(
            ReleaseAction.Undo,
            deployment,
            Verdict.Riesgoso,
            ActionResult.Succeeded,
            $"Rolled back from revision {current} to the pod template of revision {previous.revision} (ReplicaSet {previous.rs.Metadata.Name})"
        );
    }

    private ActionRecord Record(ReleaseAction action, V1Deployment d, Verdict verdict, ActionResult result, string message) =>
        new()
        {
            Time = Rfc3339.Format(clock.GetUtcNow()),
            Action = StatusWire.Word(action),
            Verdict = StatusWire.Word(verdict),
            Target = $"Deployment/{d.Metadata.Name}",
            Result = StatusWire.Word(result),
            Message = message,
        };

    /// <summary>
    /// At most this many action records are kept (every Undo that was carried out or skipped is kept whatever the count: it is never
    /// repeated).
    /// </summary>
    public const int MaxActions = 20;

    /// <summary>The action history after appending, bounded.</summary>
    public static List<ActionRecord> Bounded(IEnumerable<ActionRecord> actions)
    {
        var all = actions.ToList();
        if (all.Count <= MaxActions)
            return all;
        static bool Final(ActionRecord a) => a.Kind == ReleaseAction.Undo && a.Outcome != ActionResult.Failed;
        var keep = all.Where(Final).Concat(all.Where(a => !Final(a)).TakeLast(MaxActions)).ToHashSet();
        return [.. all.Where(keep.Contains)];
    }

    /// <summary>
    /// Whether spec.rollback still owes the target something for the current verdict: an Annotate for this verdict, or,
    /// when risky with Undo, an Undo. A Failed attempt does not count. Not while the Deployment is missing: there is
    /// nothing to act on.
    /// </summary>
    public static bool Owed(Release release, ReleaseStatus? status)
    {
        var mode = release.Spec.Rollback ?? "None";
        if (mode == "None" || status.VerdictValue is not { } verdict || release.Spec.Target?.Name is null)
            return false;
        if (Conditions.Find(status, Conditions.TargetFound).IsTrue == false)
            return false;
        var done = (status!.Actions ?? []).Where(a => a.Outcome is ActionResult.Succeeded or ActionResult.Skipped).ToList();
        var annotated = done.Any(a => a.Kind == ReleaseAction.Annotate && a.AnsweredVerdict == verdict);
        var undone = verdict != Verdict.Riesgoso || mode != StatusWire.Word(ReleaseAction.Undo) || done.Any(a => a.Kind == ReleaseAction.Undo);
        return !annotated || !undone;
    }

    private static string? Annotation(V1ObjectMeta? meta, string key) => meta?.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
