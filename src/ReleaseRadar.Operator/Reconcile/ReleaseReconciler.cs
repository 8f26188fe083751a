using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Lineage;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Operator.Controller;
using ReleaseRadar.Operator.Kubernetes;
using ReleaseRadar.Operator.Store;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// Reconcile(key) as controller-runtime shapes it: Load the Release, its typed state, its target and the lease from
/// caches; analyse if an interval is due; Decide, purely, the state to store and what to do to the target; carry that out
/// (Effect); Persist the status once through the status subresource with optimistic concurrency; Publish what the stored
/// transition means. A conflict requeues, and the next attempt reads the API server and records the actions this one
/// carried out, never repeating them. Idempotent: the status is the only state, so running it twice, or on another
/// replica after a restart, gives the same result and never a duplicate history entry or a second rollback.
/// </summary>
internal sealed class ReleaseReconciler(
    ReleaseStores stores,
    DeploymentInformers deployments,
    ReleaseAnalyzer analyzer,
    MemoizingMetricSource source,
    DeploymentActions actions,
    ReleasePublisher publisher,
    ReleaseLineage lineage,
    LeaseFence fence,
    OperatorMetrics metrics,
    TimeProvider clock,
    OperatorOptions options,
    ILogger<ReleaseReconciler> logger
)
{
    private static readonly JsonTypeInfo<ReleaseStatus?> CompactStatus =
        (JsonTypeInfo<ReleaseStatus?>)
            new JsonSerializerOptions(JsonSerializerDefaults.Web)
            {
                DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
                TypeInfoResolver = ReleaseJsonContext.Default,
            }.GetTypeInfo(typeof(ReleaseStatus));

    /// <summary>The first retry after a conflict: the next attempt reads the API server, so there is nothing to wait out.</summary>
    private static readonly TimeSpan ConflictRetry = TimeSpan.FromMilliseconds(50);

    // Keys whose status write conflicted: their next load reads the API server, as the cache may not hold the other write yet.
    private readonly ConcurrentDictionary<string, bool> _stale = new();

    // Actions carried out whose status write then conflicted, by key: the next attempt records them instead of acting again.
    private readonly ConcurrentDictionary<string, ImmutableArray<ActionTaken>> _unrecorded = new();

    // The resourceVersion of each Release last reported as read in part, so each bad version is reported once.
    private readonly ConcurrentDictionary<string, string> _unreadableReported = new();

    // The resourceVersion of each Release last reported as carrying a status not sealed by this operator.
    private readonly ConcurrentDictionary<string, string> _untrustedReported = new();

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var loaded = await LoadAsync(key, ct);
        if (loaded is null)
        {
            source.Forget(key);
            lineage.Forget(key);
            _unrecorded.TryRemove(key, out _);
            _unreadableReported.TryRemove(key, out _);
            _untrustedReported.TryRemove(key, out _);
            stores.Seal.Forget(key);
            return ReconcileResult.Done;
        }
        var release = loaded.Stored.Release;
        if (release.Unreadable is { } problem && FirstReport(_unreadableReported, release))
            await publisher.UnreadableAsync(release, problem, ct);
        if (loaded.Untrusted && FirstReport(_untrustedReported, release))
            await publisher.UntrustedAsync(release, ct);
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
        if (release.Metadata.DeletionTimestamp is not null)
        {
            // Being deleted, held by someone's finalizer: judging it now could roll back a Deployment for a Release its owner
            // has already let go of. It is left as it is until it is gone.
            logger.LogInformation(
                "{Release} is being deleted (since {Since:O}); it is not analysed or acted on",
                key,
                release.Metadata.DeletionTimestamp
            );
            return ReconcileResult.Done;
        }
        var now = clock.GetUtcNow();
        var planned = ReleasePlanner.Plan(loaded.Subject, options.Defaults);
        lineage.Record(loaded.Subject, loaded.State);
        var binding = loaded.State.Binding ?? Bind(loaded, planned);
        if (loaded.Target is { Exists: true, Settled: false } && binding is null)
            return ReconcileResult.Retry("its Deployment is mid-rollout; binding to its revision once the controller has seen it", Settling);
        var neighbours = binding is null ? null : Neighbours(loaded, binding, planned);
        planned = Bound(planned, binding, neighbours);
        var seenBefore = new Observation(loaded.Subject, null, loaded.Target, loaded.Leading, [], binding, neighbours);
        // Once the target runs another rollout, its traffic is not this Release's: no analysis reads it.
        var due = seenBefore.MovedOn ? AnalysisDue.Later(null, "superseded") : ReleaseAnalyzer.Due(loaded.Subject, loaded.State, planned, now);
        var outcome = due.Due && loaded.Leading ? await AnalyzeAsync(loaded.Subject, loaded.State, planned, now, ct) : null;

        var seen = seenBefore with { Analysed = outcome?.State, Unrecorded = _unrecorded.GetValueOrDefault(key, []) };
        var decision = ReconcileDecision.Decide(loaded.State, planned, seen, now);
        if (!decision.Leading)
        {
            metrics.Reconciles.WithLabels("not_leading").Inc();
            return ReconcileResult.Retry("this replica does not hold the leader lease");
        }

        var next = decision.Next;
        if (!decision.Intents.IsEmpty && loaded.Deployment is { } deployment)
        {
            await fence.EnsureHeldAsync(ct); // one actor at a time, even right after this replica was paused
            var taken = await actions.CarryOutAsync(decision.Intents, deployment, ct);
            next = ReconcileDecision.Record(next, taken);
            _unrecorded[key] = [.. seen.Unrecorded, .. taken]; // until a status write records them
        }

        Release? stored;
        try
        {
            stored = await PersistAsync(loaded, next, ct);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // The API server no longer has it (deleted, or its state was restored from a backup): the next attempt reads
            // the API server, which drops it from the cache, instead of retrying a write to a ghost forever.
            _stale[key] = true;
            return ReconcileResult.Retry("the Release is gone from the API server (404 on its status write)", ConflictRetry);
        }
        if (stored is null)
        {
            _stale[key] = true;
            return ReconcileResult.Retry("someone else wrote its status first (409 Conflict)", ConflictRetry);
        }
        _unrecorded.TryRemove(key, out _);
        lineage.Record(loaded.Subject, next);
        source.Forget(key); // the input served its interval; holding it until the next one would cost memory per Release

        await publisher.PublishAsync(stored, loaded.State, next, ct);
        metrics
            .Reconciles.WithLabels(
                outcome is AnalysisOutcome.SourceFailed ? "source_error"
                : ReferenceEquals(stored, release) && outcome is null ? "skipped"
                : "success"
            )
            .Inc();
        if (next.Actions.Any(a => a.Result == ActionResult.Failed && !loaded.State.Actions.Contains(a)))
            return ReconcileResult.Retry("an action on the target failed (recorded in its status)");
        // Bound just now: actions wait for the binding to be stored, and the echo of our own write does not come back.
        if (loaded.State.Binding is null && next.Binding is not null && ReconcileDecision.Owed(next, planned.Plan?.Rollback ?? RollbackMode.None))
            return new ReconcileResult(TimeSpan.FromSeconds(1));
        return new ReconcileResult(Until(outcome?.NextAnalysis ?? due.Next, clock.GetUtcNow()));
    }

    /// <summary>Whether this version of the Release is not yet reported in <paramref name="reported"/>; records it.</summary>
    private static bool FirstReport(ConcurrentDictionary<string, string> reported, Release release)
    {
        var version = release.Metadata.ResourceVersion ?? "";
        if (reported.GetValueOrDefault(release.Key) == version)
            return false;
        reported[release.Key] = version;
        return true;
    }

    /// <summary>How soon a Release whose Deployment is mid-rollout looks again.</summary>
    private static readonly TimeSpan Settling = TimeSpan.FromSeconds(2);

    /// <summary>Binds a Release not bound yet to its rollout, from the ReplicaSets loaded for it (null: nothing to bind to yet).</summary>
    private static RevisionBinding? Bind(LoadedState loaded, PlanResult planned)
    {
        if (loaded.Target is not { Exists: true, Settled: true } target || loaded.ReplicaSets is not { } replicaSets || planned.Plan is not { } plan)
            return null;
        var source = loaded.Subject.Spec?.DeployedAt is null ? BindingSource.Created : BindingSource.DeployedAt;
        return RevisionBinder.Bind(loaded.Subject.Name, plan.DeployedAt, source, plan.Step, target, replicaSets);
    }

    private Neighbours Neighbours(LoadedState loaded, RevisionBinding binding, PlanResult planned) =>
        ReleaseNeighbourhood.Around(
            LineageEntry.Of(loaded.Subject, loaded.State with { Binding = binding }),
            lineage.Others(loaded.Subject),
            loaded.Target?.Revision,
            planned.Plan?.BaselineWindow ?? TimeSpan.Zero
        );

    /// <summary>
    /// The plan on the cluster's facts: windows anchored at the bound rollout, and a clean baseline when the neighbours
    /// call for one.
    /// </summary>
    private static PlanResult Bound(PlanResult planned, RevisionBinding? binding, Neighbours? neighbours)
    {
        if (planned.Plan is not { } plan || binding is null)
            return planned;
        return planned with { Plan = plan with { DeployedAt = binding.DeployedAt, PinnedBaseline = neighbours?.Baseline } };
    }

    /// <summary>The Release and what it is reconciled against, from caches (from the API server after a conflict, or on a miss).</summary>
    private async Task<LoadedState?> LoadAsync(string key, CancellationToken ct)
    {
        if (stores.For(key) is not { } store)
            return null;
        var stored = _stale.TryRemove(key, out _) ? await store.ReadAsync(key, ct) : store.Load(key) ?? await store.ReadAsync(key, ct);
        if (stored is null)
            return null;
        var release = stored.Release;
        var ns = release.Metadata.NamespaceProperty ?? "default";
        var deployment = release.Spec.Target?.Name is { } name ? deployments.Get(ns, name) : null;
        var target = release.Spec.Target?.Name is { } n ? DeploymentActions.View(ns, n, deployment) : null;
        var state = release.State;
        // A status someone else wrote (or sealed under another key) decides nothing: the state starts over and is re-derived
        // from Prometheus by this reconcile, keeping only the actions carried out, so none is repeated.
        var untrusted = !stores.Seal.Trusts(release);
        if (untrusted)
            state = ReleaseState.Empty with { Actions = state.Actions };
        IReadOnlyList<ReplicaSetFact>? replicaSets = null;
        if (state.Binding is null && target is { Settled: true } && deployment is not null)
        {
            var targetName = target.Name;
            try
            {
                // Once per Release: bind against the Deployment as it is now, not as the cache last saw it.
                deployment = await actions.ReadAsync(ns, targetName, ct);
                target = DeploymentActions.View(ns, targetName, deployment);
                if (deployment is not null && target.Settled)
                    replicaSets = await actions.ReplicaSetsAsync(deployment, ct);
            }
            catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
            {
                // Unbound, the Release is analysed from its own deploy time and guarded by the revision it first saw, as before binding existed.
                logger.LogWarning(
                    "Cannot read Deployment {Ns}/{Name} and its ReplicaSets to bind {Release} to its rollout: {Error}",
                    ns,
                    targetName,
                    key,
                    e.Message
                );
            }
        }
        return new LoadedState(stored, release.Subject, state, target, deployment, await fence.HoldsAsync(ct), replicaSets, untrusted);
    }

    private async Task<AnalysisOutcome> AnalyzeAsync(
        ReleaseSubject subject,
        ReleaseState state,
        PlanResult planned,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var watch = Stopwatch.StartNew();
        var outcome = await analyzer.AnalyzeAsync(subject, state, planned, now, ct, deadline: ReleaseAnalyzer.OneInterval);
        if (outcome is AnalysisOutcome.Analyzed or AnalysisOutcome.SourceFailed)
            metrics.AnalysisDuration.Observe(watch.Elapsed.TotalSeconds);
        if (outcome is AnalysisOutcome.SourceFailed failed)
            metrics.AnalysisFailures.WithLabels(failed.Reason).Inc();
        return outcome;
    }

    /// <summary>
    /// Writes the new state once, through the wire mapper, as a PUT of …/status carrying the resourceVersion loaded.
    /// Returns the stored Release (the loaded one when nothing changed), or null on 409 Conflict.
    /// </summary>
    private async Task<Release?> PersistAsync(LoadedState loaded, ReleaseState next, CancellationToken ct)
    {
        var release = loaded.Stored.Release;
        if (ReferenceEquals(next, loaded.State))
            return release; // the decision changed nothing: not even a serialization
        var status = stores.Seal.Sealed(release.Metadata.Uid, StatusWire.ToWire(next));
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
        var stored = await stores.For(release.Key)!.WriteStatusAsync(loaded.Stored, status, ct);
        metrics.StatusWrites.WithLabels(stored is null ? "conflict" : "written").Inc();
        if (stored is not null)
            stores.Seal.Wrote(stored);
        return stored;
    }

    private static TimeSpan? Until(DateTimeOffset? due, DateTimeOffset now) =>
        due is { } d ? (d - now > TimeSpan.FromSeconds(1) ? d - now : TimeSpan.FromSeconds(1)) : null;
}
