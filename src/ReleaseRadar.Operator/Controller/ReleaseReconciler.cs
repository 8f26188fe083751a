using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Core.Status;

namespace ReleaseRadar.Operator.Controller;

/// <summary>When to look at a key again; null means only when something about it changes.</summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter);

/// <summary>
/// Reconcile(key): read the Release, analyse it if an interval is due, write the status through the status subresource
/// with optimistic concurrency, act on the target, and say when to come back. Idempotent: the status is the only state,
/// so running it twice, or on another replica after a restart, gives the same result and never a duplicate history entry.
/// </summary>
public sealed class ReleaseReconciler(
    IKubernetes client,
    Func<string, Release?> cached,
    Action<Release> storeInCache,
    ReleaseAnalyzer analyzer,
    MemoizingMetricSource source,
    DeploymentActions deployments,
    ReleaseEvents events,
    WebhookNotifier? webhook,
    OperatorMetrics metrics,
    TimeProvider clock,
    AnalysisDefaults defaults,
    LeaseFence fence,
    ILogger logger)
{
    private const int MaxConflictRetries = 8;
    private static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var release = cached(key) ?? await ReadAsync(key, ct);
        if (release is null)
        {
            source.Forget(key);
            return new ReconcileResult(null);
        }
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["kind"] = Release.KindName, ["namespace"] = release.Metadata.NamespaceProperty, ["name"] = release.Metadata.Name,
            ["uid"] = release.Metadata.Uid, ["resourceVersion"] = release.Metadata.ResourceVersion,
        });

        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            if (Settled(release, now, out var next))
            {
                metrics.Reconciles.WithLabels("skipped").Inc();
                return new ReconcileResult(next);
            }

            var watch = Stopwatch.StartNew();
            var outcome = await analyzer.AnalyzeAsync(release, now, defaults, ct, deadline: ReleaseAnalyzer.OneInterval);
            if (outcome.Result is not null || outcome.SourceFailed) metrics.AnalysisDuration.Observe(watch.Elapsed.TotalSeconds);
            if (outcome.SourceFailed)
                metrics.AnalysisFailures.WithLabels(outcome.Status.Conditions?.FirstOrDefault(c => c.Type == Conditions.MetricsAvailable)?.Reason ?? "unknown").Inc();
            var (status, deployment) = await deployments.ObserveAsync(release, outcome.Status, ct);

            var previousVerdict = release.Status?.Verdict;
            var written = await WriteStatusAsync(release, status, ct);
            if (written is null)
            {
                if (attempt >= MaxConflictRetries) throw new InvalidOperationException($"status of {key} still conflicted after {attempt} attempts");
                metrics.StatusWrites.WithLabels("conflict").Inc();
                release = await ReadAsync(key, ct); // 409: someone wrote first; start again from what they wrote
                if (release is null) return new ReconcileResult(null);
                continue;
            }
            release = written;

            await fence.EnsureHeldAsync(ct);
            var actions = await deployments.ActAsync(release, status, deployment, ct);
            if (actions.Count > 0) release = await AppendActionsAsync(key, release, actions, ct) ?? release;

            if (status.Verdict is { } verdict && verdict != previousVerdict)
            {
                metrics.VerdictTransitions.WithLabels(previousVerdict ?? "none", verdict).Inc();
                var top = string.Join(" | ", (status.Reasons ?? []).Take(3));
                await events.RecordAsync(release, verdict == "RIESGOSO" ? "Warning" : "Normal", "Verdict" + ToPascal(verdict),
                    $"{previousVerdict ?? "none"} → {verdict}, risk score {status.RiskScore}: {top}", ct);
                webhook?.Notify(release, previousVerdict, verdict);
                logger.LogInformation("Verdict of {Release} changed {From} → {To} (score {Score})", key, previousVerdict ?? "none", verdict, status.RiskScore);
            }
            foreach (var a in actions)
                await events.RecordAsync(release, a.Result == "Succeeded" ? (a.Action == "Undo" ? "Warning" : "Normal") : "Warning",
                    a.Action == "Undo" ? (a.Result == "Succeeded" ? "RolledBack" : "RollbackSkipped") : "Annotated", a.Message ?? "", ct);

            metrics.Reconciles.WithLabels(outcome.SourceFailed ? "source_error" : "success").Inc();
            var due = outcome.NextAnalysis;
            return new ReconcileResult(due is { } d ? Max(d - clock.GetUtcNow(), TimeSpan.FromSeconds(1)) : null);
        }
    }

    /// <summary>
    /// Nothing to do now: the verdict is final for this generation, the spec is invalid and unchanged, or this interval was
    /// already analysed (after a restart or a resync). Then no query is sent and no status is written.
    /// </summary>
    private bool Settled(Release release, DateTimeOffset now, out TimeSpan? next)
    {
        next = null;
        var s = release.Status;
        if (s is null || s.ObservedGeneration != release.Metadata.Generation) return false;
        if (DeploymentActions.Owed(release, s)) return false; // an action failed after the status was written: try it again
        if (s.Phase is "Completed" or "Invalid") return true;
        // The same plan as the analysis (with the operator's defaults), so "already analysed?" uses the same grid.
        var planned = ReleasePlanner.Plan(release, defaults);
        if (planned.Plan is not { } plan) return false;
        var windows = AnalysisSchedule.At(plan, now);
        var sourceFailed = Conditions.Find(s, Conditions.MetricsAvailable)?.Status == "False";
        var due = AnalysisSchedule.NextAnalysis(plan, now);
        if (windows.HasData && !sourceFailed && s.History?.Any(h => h.Time == Rfc3339.Format(windows.CurrentEnd)) == true && s.Phase != "WarmingUp")
        {
            next = due is { } d ? Max(d - now, TimeSpan.FromSeconds(1)) : null;
            return true;
        }
        return false;
    }

    /// <summary>PUT …/status carrying the resourceVersion we read. Returns the stored object, or null on 409.</summary>
    private async Task<Release?> WriteStatusAsync(Release release, ReleaseStatus status, CancellationToken ct)
    {
        if (JsonSerializer.Serialize(status, Compact) == JsonSerializer.Serialize(release.Status, Compact))
        {
            metrics.StatusWrites.WithLabels("unchanged").Inc();
            return release;
        }
        await fence.EnsureHeldAsync(ct); // one writer at a time, even right after this replica was paused
        var body = new Release { ApiVersion = release.ApiVersion, Kind = release.Kind, Metadata = release.Metadata, Spec = release.Spec, Status = status };
        try
        {
            var stored = await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<Release>(body, Release.Group, Release.Version,
                release.Metadata.NamespaceProperty ?? "default", Release.Plural, release.Metadata.Name, fieldManager: "release-radar", cancellationToken: ct);
            metrics.StatusWrites.WithLabels("written").Inc();
            storeInCache(stored);
            return stored;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    private async Task<Release?> AppendActionsAsync(string key, Release release, IReadOnlyList<ActionRecord> actions, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxConflictRetries; attempt++)
        {
            var status = (release.Status ?? new ReleaseStatus()) with { Actions = DeploymentActions.Bounded([.. release.Status?.Actions ?? [], .. actions]) };
            var written = await WriteStatusAsync(release, status, ct);
            if (written is not null) return written;
            release = await ReadAsync(key, ct) ?? release;
        }
        logger.LogWarning("Could not record actions of {Release} after {Attempts} conflicts", key, MaxConflictRetries);
        return null;
    }

    private async Task<Release?> ReadAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        try
        {
            var fresh = await client.CustomObjects.GetNamespacedCustomObjectAsync<Release>(Release.Group, Release.Version, key[..slash], Release.Plural, key[(slash + 1)..], ct);
            storeInCache(fresh);
            return fresh;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static string ToPascal(string verdict) => verdict switch { "OK" => "Ok", "RIESGOSO" => "Riesgoso", _ => "InsufficientData" };
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
