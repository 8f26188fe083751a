using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator.Kubernetes;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// Reconcile(key), in two halves as controller-runtime and Argo Rollouts split it. Compute: read the Release, plan it once,
/// decide on that plan whether an analysis is due, analyse, observe the target, and carry out what spec.rollback owes.
/// Persist: write the status once through the status subresource with optimistic concurrency (on a conflict, compute
/// again from what the other writer stored, keeping the actions already carried out), then publish the verdict change
/// (Event, webhook, metric, log) from one place. Idempotent: the status is the only state, so running it twice, or on
/// another replica after a restart, gives the same result and never a duplicate history entry or a second rollback.
/// </summary>
public sealed class ReleaseReconciler(
    IKubernetes client,
    Func<string, ReleaseInformer?> cacheOf,
    ReleaseAnalyzer analyzer,
    MemoizingMetricSource source,
    DeploymentActions deployments,
    ReleaseEvents events,
    WebhookNotifier? webhook,
    OperatorMetrics metrics,
    TimeProvider clock,
    AnalysisDefaults defaults,
    LeaseFence fence,
    ILogger logger
)
{
    private const int MaxConflictRetries = 8;
    private readonly ReleaseResource _releases = ReleaseResource.For(client);
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = ReleaseJsonContext.Default,
    };
    private static readonly JsonTypeInfo CompactStatus = Compact.GetTypeInfo(typeof(ReleaseStatus));

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        HistoryJson? history = null;
        var release = (cacheOf(key) is { } cache && cache.TryGet(key, out var cached, out history) ? cached : null) ?? await ReadAsync(key, ct);
        if (release is null)
        {
            source.Forget(key);
            return new ReconcileResult(null);
        }
        using var scope = logger.BeginScope(
            new Dictionary<string, object?>
            {
                ["kind"] = Release.KindName,
                ["namespace"] = release.Metadata.NamespaceProperty,
                ["name"] = release.Metadata.Name,
                ["uid"] = release.Metadata.Uid,
                ["resourceVersion"] = release.Metadata.ResourceVersion,
            }
        );

        var performed = new List<ActionRecord>(); // carried out in this reconcile: kept across conflict retries, never done twice
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var planned = ReleasePlanner.Plan(release, defaults);
            var due = ReleaseAnalyzer.Due(release, planned, now);
            if (!due.Due && performed.Count == 0 && !DeploymentActions.Owed(release, release.Status))
            {
                metrics.Reconciles.WithLabels("skipped").Inc();
                return new ReconcileResult(Until(due.Next, now));
            }

            // Compute.
            var outcome = due.Due ? await AnalyzeAsync(release, planned, now, ct) : null;
            var status = outcome?.Status ?? release.Status ?? new ReleaseStatus();
            status = status with { Actions = Merge(status.Actions, performed) };
            var (observed, deployment) = await deployments.ObserveAsync(release, status, ct);
            await fence.EnsureHeldAsync(ct); // one actor at a time, even right after this replica was paused
            var acted = await deployments.ActAsync(release, observed, deployment, ct);
            performed.AddRange(acted);
            var final = observed with { Actions = Merge(observed.Actions, acted) };

            // Persist, once.
            var written = await WriteStatusAsync(release, final, history, ct);
            if (written is null)
            {
                if (attempt >= MaxConflictRetries)
                    throw new InvalidOperationException($"status of {key} still conflicted after {attempt} attempts");
                metrics.StatusWrites.WithLabels("conflict").Inc();
                release = await ReadAsync(key, ct); // 409: someone wrote first; compute again from what they wrote
                if (release is null)
                    return new ReconcileResult(null);
                continue;
            }

            source.Forget(key); // the input served its interval; holding it until the next one would cost memory per Release
            await PublishAsync(key, release.Status, written, performed, ct);
            metrics.Reconciles.WithLabels(outcome is AnalysisOutcome.SourceFailed ? "source_error" : "success").Inc();
            var failed = performed.Any(a => a.Outcome == ActionResult.Failed);
            return new ReconcileResult(Until(outcome?.NextAnalysis ?? due.Next, clock.GetUtcNow()), Backoff: failed);
        }
    }

    private async Task<AnalysisOutcome> AnalyzeAsync(Release release, PlanResult planned, DateTimeOffset now, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var outcome = await analyzer.AnalyzeAsync(release, planned, now, ct, deadline: ReleaseAnalyzer.OneInterval);
        if (outcome is AnalysisOutcome.Analyzed or AnalysisOutcome.SourceFailed)
            metrics.AnalysisDuration.Observe(watch.Elapsed.TotalSeconds);
        if (outcome is AnalysisOutcome.SourceFailed failed)
            metrics.AnalysisFailures.WithLabels(failed.Reason).Inc();
        return outcome;
    }

    /// <summary>What a verdict change and the actions tell the world, all from here, after the status that records them is stored.</summary>
    private async Task PublishAsync(string key, ReleaseStatus? before, Release stored, IReadOnlyList<ActionRecord> performed, CancellationToken ct)
    {
        var status = stored.Status;
        if (status.VerdictValue is { } verdict && verdict != before.VerdictValue)
        {
            var from = before.VerdictValue;
            var fromWord = StatusWire.Word(from) ?? "none";
            var word = StatusWire.Word(verdict);
            metrics.VerdictTransitions.WithLabels(fromWord, word).Inc();
            var top = string.Join(" | ", (status?.Reasons ?? []).Take(3));
            await events.RecordAsync(
                stored,
                verdict == Verdict.Riesgoso ? "Warning" : "Normal",
                StatusWire.EventReason(verdict),
                $"{fromWord} → {word}, risk score {status?.RiskScore}: {top}",
                ct
            );
            webhook?.Notify(stored, from, verdict);
            logger.LogInformation("Verdict of {Release} changed {From} → {To} (score {Score})", key, fromWord, word, status?.RiskScore);
        }
        foreach (var a in performed)
        {
            var (type, reason) = (a.Kind, a.Outcome) switch
            {
                (ReleaseAction.Undo, ActionResult.Succeeded) => ("Warning", "RolledBack"),
                (ReleaseAction.Undo, ActionResult.Skipped) => ("Warning", "RollbackSkipped"),
                (ReleaseAction.Undo, _) => ("Warning", "RollbackFailed"),
                (_, ActionResult.Failed) => ("Warning", "AnnotateFailed"),
                _ => ("Normal", "Annotated"),
            };
            await events.RecordAsync(stored, type, reason, a.Message ?? "", ct);
        }
    }

    /// <summary>The recorded actions plus those not yet among them, bounded.</summary>
    private static List<ActionRecord>? Merge(List<ActionRecord>? recorded, IReadOnlyList<ActionRecord> more) =>
        more.Count == 0 ? recorded : DeploymentActions.Bounded([.. recorded ?? [], .. more.Where(m => recorded?.Contains(m) != true)]);

    private static TimeSpan? Until(DateTimeOffset? due, DateTimeOffset now) => due is { } d ? Max(d - now, TimeSpan.FromSeconds(1)) : null;

    /// <summary>PUT …/status carrying the resourceVersion we read. Returns the stored object, or null on 409.</summary>
    private async Task<Release?> WriteStatusAsync(Release release, ReleaseStatus status, HistoryJson? history, CancellationToken ct)
    {
        // A new analysis changes these, so most intervals skip serializing two statuses of up to 120 history entries each.
        var surelyChanged =
            release.Status is not { } current
            || current.LastAnalysisTime != status.LastAnalysisTime
            || current.History?.Count != status.History?.Count
            || current.ObservedGeneration != status.ObservedGeneration;
        if (!surelyChanged && JsonSerializer.Serialize(status, CompactStatus) == JsonSerializer.Serialize(release.Status, CompactStatus))
        {
            metrics.StatusWrites.WithLabels("unchanged").Inc();
            return release;
        }
        await fence.EnsureHeldAsync(ct); // one writer at a time, even right after this replica was paused
        var body = new Release
        {
            ApiVersion = release.ApiVersion,
            Kind = release.Kind,
            Metadata = release.Metadata,
            Spec = release.Spec,
            Status = status,
        };
        var cache = cacheOf(release.Key);
        StoredRelease? stored = null;
        cache?.BeginWrite(release.Key);
        try
        {
            stored = await _releases.ReplaceStatusAsync(body, "release-radar", history, ct);
        }
        finally
        {
            cache?.EndWrite(release.Key, stored);
        }
        if (stored is null)
            return null;
        metrics.StatusWrites.WithLabels("written").Inc();
        return stored.Release;
    }

    private async Task<Release?> ReadAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        try
        {
            var fresh = await client.CustomObjects.GetNamespacedCustomObjectAsync<Release>(
                Release.Group,
                Release.Version,
                key[..slash],
                Release.Plural,
                key[(slash + 1)..],
                ct
            );
            cacheOf(key)?.Store(fresh);
            return fresh;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
