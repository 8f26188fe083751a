using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis;

/// <summary>
/// The one code path from a Release to its status, shared by `releaseradar analyze`, the demo and the operator:
/// validate and plan, fetch through the metric source, run the pure engine, smooth the verdict over the history,
/// project the state. Reads the previous state it is given; writes nothing itself.
/// </summary>
public sealed class ReleaseAnalyzer(IReleaseMetricSource source)
{
    /// <param name="deadline">
    /// How long the metric source may take (the operator passes <see cref="OneInterval"/>): past it, the analysis reports
    /// that no answer came, instead of leaving the last status to go stale in silence.
    /// </param>
    public Task<AnalysisOutcome> AnalyzeAsync(
        ReleaseSubject subject,
        ReleaseState state,
        DateTimeOffset at,
        AnalysisDefaults? defaults,
        CancellationToken cancellationToken,
        Func<ReleasePlan, TimeSpan>? deadline = null
    ) => AnalyzeAsync(subject, state, ReleasePlanner.Plan(subject, defaults), at, cancellationToken, deadline);

    /// <summary>Analyses on a plan already made (the operator plans once per reconcile, for <see cref="Due"/> and for this).</summary>
    public async Task<AnalysisOutcome> AnalyzeAsync(
        ReleaseSubject subject,
        ReleaseState state,
        PlanResult planned,
        DateTimeOffset at,
        CancellationToken cancellationToken,
        Func<ReleasePlan, TimeSpan>? deadline = null
    )
    {
        var generation = subject.Generation;
        if (state.ObservedGeneration is { } seen && seen != generation && state.Verdict is not null)
            state = StatusProjector.Restarted(state, generation);
        if (planned.Plan is not { } plan)
            return new AnalysisOutcome.Invalid(StatusProjector.Invalid(state, planned.Errors, at, generation), planned.Errors);
        state = StatusProjector.Planned(state, plan);

        var windows = AnalysisSchedule.At(plan, at);
        if (!windows.HasData)
            return new AnalysisOutcome.Waiting(
                StatusProjector.Waiting(state, plan, windows, at, generation),
                plan,
                windows,
                AnalysisSchedule.NextAnalysis(plan, at)
            );

        AnalysisInput input;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var allowed = deadline?.Invoke(plan);
        if (allowed is { } d)
            limit.CancelAfter(d);
        try
        {
            input = await source.FetchAsync(plan, windows, limit.Token).ConfigureAwait(false) with { DeployedAt = plan.DeployedAt };
        }
        catch (Exception e)
            when (e is MetricSourceException
                || (e is OperationCanceledException && limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            )
        {
            var (reason, message) = e is MetricSourceException m
                ? (m.Reason, m.Message)
                : (
                    "MetricsSourceNoAnswer",
                    $"Prometheus gave no complete answer within {GoDuration.Format(allowed!.Value)} (one analysis interval); "
                        + "the verdict so far is kept and the analysis is retried"
                );
            return new AnalysisOutcome.SourceFailed(
                StatusProjector.SourceFailed(state, reason, message, at, generation),
                plan,
                windows,
                reason,
                message,
                AnalysisSchedule.NextAnalysis(plan, at) ?? at + plan.Interval
            );
        }

        var result = ReleaseAnalysisEngine.Analyze(input, plan.Policy);
        var earlier = state.History.Where(h => h.At < windows.CurrentEnd).ToList();
        var previousVerdict = earlier.LastOrDefault()?.Verdict;
        var assessments = earlier.Select(h => h.Assessment).OfType<Assessment>().ToList();
        var decision = VerdictDecider.Decide(result.Assessment, assessments, previousVerdict, plan.Policy, windows.IsFinal);
        var next = StatusProjector.Analyzed(state, plan, windows, result, decision, at, generation);
        return new AnalysisOutcome.Analyzed(next, plan, windows, result, decision, AnalysisSchedule.NextAnalysis(plan, at));
    }

    /// <summary>
    /// Whether <paramref name="subject"/> needs an analysis at <paramref name="at"/>, on <paramref name="planned"/>: not when
    /// the verdict is final or the spec invalid for this generation, nor when this interval is already in the history
    /// (after a restart or a resync). Then no query is sent and nothing is written.
    /// </summary>
    public static AnalysisDue Due(ReleaseSubject subject, ReleaseState? state, PlanResult planned, DateTimeOffset at)
    {
        if (state is null)
            return AnalysisDue.Now("never analysed");
        if (state.Phase == ReleasePhase.Superseded)
            return AnalysisDue.Later(null, "the target runs a later rollout; the verdict stands as last analysed");
        if (state.ObservedGeneration != subject.Generation)
            return AnalysisDue.Now("the spec changed since the last analysis");
        switch (state.Phase)
        {
            case ReleasePhase.Completed:
                return AnalysisDue.Later(null, "the verdict is final");
            case ReleasePhase.Invalid when planned.Plan is null:
                return AnalysisDue.Later(null, "the spec is invalid; waiting for it to change");
        }
        if (planned.Plan is not { } plan)
            return AnalysisDue.Now("the spec no longer plans");
        if (state.Holds(ConditionType.MetricsAvailable) == false)
            return AnalysisDue.Now("the last analysis could not read its metrics");
        var windows = AnalysisSchedule.At(plan, at);
        if (!windows.HasData || state.Phase is not (ReleasePhase.Analyzing or ReleasePhase.Completed))
            return AnalysisDue.Now("waiting phases are refreshed at every interval");
        return state.History.Any(h => h.At == windows.CurrentEnd)
            ? AnalysisDue.Later(AnalysisSchedule.NextAnalysis(plan, at), "this interval is already analysed")
            : AnalysisDue.Now("a new interval ended");
    }

    /// <summary>One interval of the Release, at least 10 s, so a fast demo interval does not cut a normal query short.</summary>
    public static TimeSpan OneInterval(ReleasePlan plan) => plan.Interval > TimeSpan.FromSeconds(10) ? plan.Interval : TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs every analysis the operator would have run from the end of the warm-up up to <paramref name="at"/>, threading the
    /// status through, so a retrospective analysis has the same timeline and the same anti-flapping as a live one.
    /// </summary>
    public async Task<AnalysisOutcome> ReplayAsync(
        ReleaseSubject subject,
        DateTimeOffset at,
        AnalysisDefaults? defaults,
        CancellationToken cancellationToken
    )
    {
        var planned = ReleasePlanner.Plan(subject, defaults);
        var state = ReleaseState.Empty;
        if (planned.Plan is not { } plan)
            return await AnalyzeAsync(subject, state, planned, at, cancellationToken).ConfigureAwait(false);

        var times = AnalysisSchedule.AnalysisTimes(plan, at).ToList();
        var windows = times.Append(at).Select(t => AnalysisSchedule.At(plan, t)).Where(w => w.HasData).ToList();
        var replaying = this;
        try
        {
            // One fetch for the whole replay where the source can cut windows from it: 28 analyses, not 28 round trips.
            var scoped = await source.ForWindowsAsync(plan, windows, cancellationToken).ConfigureAwait(false);
            if (!ReferenceEquals(scoped, source))
                replaying = new ReleaseAnalyzer(scoped);
        }
        catch (MetricSourceException)
        {
            // Each window is fetched on its own, and the first analysis reports the failure in its state.
        }

        AnalysisOutcome? last = null;
        foreach (var t in times)
        {
            last = await replaying.AnalyzeAsync(subject, state, planned, t, cancellationToken).ConfigureAwait(false);
            if (last is AnalysisOutcome.SourceFailed)
                return last; // a retrospective timeline with holes would mislead; report the failure instead
            state = last.State;
        }
        // Always finish with an analysis "as of" the requested time, which also covers the warm-up and pending phases.
        if (last is not AnalysisOutcome.Analyzed analyzed || analyzed.Windows.CurrentEnd != AnalysisSchedule.At(plan, at).CurrentEnd)
            last = await replaying.AnalyzeAsync(subject, state, planned, at, cancellationToken).ConfigureAwait(false);
        return last;
    }
}
