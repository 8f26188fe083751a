using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Core;

/// <summary>What one analysis produced: the status to write, and when the next analysis is due (null: never, the verdict is final).</summary>
public sealed record AnalysisOutcome(
    ReleaseStatus Status,
    ReleasePlan? Plan,
    AnalysisWindows? Windows,
    AnalysisResult? Result,
    DateTimeOffset? NextAnalysis,
    bool SourceFailed = false);

/// <summary>
/// The one code path from a Release to its status, shared by `releaseradar analyze`, the demo and the operator:
/// validate and plan, fetch through the metric source, run the pure engine, smooth the verdict over the history,
/// project the status. Reads the previous status from the Release; writes nothing itself.
/// </summary>
public sealed class ReleaseAnalyzer(IReleaseMetricSource source)
{
    /// <param name="deadline">
    /// How long the metric source may take (the operator passes <see cref="OneInterval"/>): past it, the analysis reports
    /// that no answer came, instead of leaving the last status to go stale in silence.
    /// </param>
    public async Task<AnalysisOutcome> AnalyzeAsync(Release release, DateTimeOffset at, AnalysisDefaults? defaults, CancellationToken cancellationToken,
        Func<ReleasePlan, TimeSpan>? deadline = null)
    {
        var generation = release.Metadata?.Generation;
        var planned = ReleasePlanner.Plan(release, defaults);
        if (planned.Plan is not { } plan)
            return new AnalysisOutcome(StatusProjector.Invalid(release.Status, planned.Errors, at, generation), null, null, null, null);

        var windows = AnalysisSchedule.At(plan, at);
        if (!windows.HasData)
            return new AnalysisOutcome(StatusProjector.Waiting(release.Status, plan, windows, at, generation), plan, windows, null, AnalysisSchedule.NextAnalysis(plan, at));

        AnalysisInput input;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var allowed = deadline?.Invoke(plan);
        if (allowed is { } d) limit.CancelAfter(d);
        try
        {
            input = await source.FetchAsync(plan, windows, limit.Token).ConfigureAwait(false) with { DeployedAt = plan.DeployedAt };
        }
        catch (Exception e) when (e is MetricSourceException || (e is OperationCanceledException && limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            var (reason, message) = e is MetricSourceException m ? (m.Reason, m.Message)
                : ("MetricsSourceNoAnswer", $"Prometheus gave no complete answer within {GoDuration.Format(allowed!.Value)} (one analysis interval); " +
                                            "the verdict so far is kept and the analysis is retried");
            return new AnalysisOutcome(StatusProjector.SourceFailed(release.Status, reason, message, at, generation), plan, windows, null,
                AnalysisSchedule.NextAnalysis(plan, at) ?? at + plan.Interval, SourceFailed: true);
        }

        var result = ReleaseAnalysisEngine.Analyze(input, plan.Policy);
        var entryTime = Rfc3339.Format(windows.CurrentEnd);
        var earlier = (release.Status?.History ?? []).Where(h => string.CompareOrdinal(h.Time, entryTime) < 0).ToList();
        var previousVerdict = StatusProjector.ParseVerdict(earlier.LastOrDefault()?.Verdict);
        var decision = VerdictDecider.Decide(result.Assessment, StatusProjector.Assessments(earlier), previousVerdict, plan.Policy, windows.IsFinal);
        var status = StatusProjector.Analyzed(release.Status, plan, windows, result, decision, at, generation);
        return new AnalysisOutcome(status, plan, windows, result, AnalysisSchedule.NextAnalysis(plan, at));
    }

    /// <summary>One interval of the Release, at least 10 s, so a fast demo interval does not cut a normal query short.</summary>
    public static TimeSpan OneInterval(ReleasePlan plan) => plan.Interval > TimeSpan.FromSeconds(10) ? plan.Interval : TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs every analysis the operator would have run from the end of the warm-up up to <paramref name="at"/>, threading the
    /// status through, so a retrospective analysis has the same timeline and the same anti-flapping as a live one.
    /// </summary>
    public async Task<AnalysisOutcome> ReplayAsync(Release release, DateTimeOffset at, AnalysisDefaults? defaults, CancellationToken cancellationToken)
    {
        var planned = ReleasePlanner.Plan(release, defaults);
        var working = CloneWithStatus(release, null);
        if (planned.Plan is not { } plan) return await AnalyzeAsync(working, at, defaults, cancellationToken).ConfigureAwait(false);

        AnalysisOutcome? last = null;
        foreach (var t in AnalysisSchedule.AnalysisTimes(plan, at))
        {
            last = await AnalyzeAsync(working, t, defaults, cancellationToken).ConfigureAwait(false);
            if (last.SourceFailed) return last; // a retrospective timeline with holes would mislead; report the failure instead
            working = CloneWithStatus(release, last.Status);
        }
        // Always finish with an analysis "as of" the requested time, which also covers the warm-up and pending phases.
        if (last is null || last.Windows?.CurrentEnd != AnalysisSchedule.At(plan, at).CurrentEnd || !last.Windows.HasData)
            last = await AnalyzeAsync(working, at, defaults, cancellationToken).ConfigureAwait(false);
        return last;
    }

    private static Release CloneWithStatus(Release r, ReleaseStatus? status) => new()
    {
        ApiVersion = r.ApiVersion, Kind = r.Kind, Metadata = r.Metadata, Spec = r.Spec, Status = status,
    };
}
