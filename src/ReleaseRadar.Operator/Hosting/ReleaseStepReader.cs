using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// Reads a release's per-step traffic for its view: the plan as the operator makes it (with the baseline window the status
/// recorded, when that was a predecessor's), and one fetch of the windows as of now, or of the window's end once it has
/// passed. A failure is returned as a sentence, so the view still shows what the status holds.
/// </summary>
internal sealed class ReleaseStepReader(IReleaseMetricSource source, AnalysisDefaults defaults, TimeProvider clock)
{
    public sealed record Read(ReleasePlan? Plan, AnalysisInput? Steps, string? Problem);

    public async Task<Read> ReadAsync(Release release, CancellationToken ct)
    {
        if (ReleasePlanner.Plan(release.Subject, defaults).Plan is not { } plan)
            return new Read(null, null, "the spec is invalid; nothing was read");
        var state = release.State;
        if (state.BaselineSource == Analysis.State.BaselineSource.LastGoodRelease && state.BaselineWindow is { } pinned)
            plan = plan with { PinnedBaseline = new PinnedBaseline(pinned, "as the last analysis read it") };
        // Up to now, the window's end, or, for a Release superseded by a later rollout, its last analysis: what came after
        // is another revision's traffic.
        var end = AnalysisSchedule.Grid(plan).WindowEnd;
        if (state.Phase == ReleasePhase.Superseded && state.History.LastOrDefault()?.At is { } last && last < end)
            end = last;
        var now = clock.GetUtcNow();
        var windows = AnalysisSchedule.At(plan, now < end ? now : end);
        if (!windows.HasData)
            return new Read(plan, null, windows.Phase == ReleasePhase.Pending ? "not deployed yet" : "still warming up");
        try
        {
            return new Read(plan, await source.FetchAsync(plan, windows, ct).ConfigureAwait(false), null);
        }
        catch (MetricSourceException e)
        {
            return new Read(plan, null, $"{e.Reason}: {e.Message}");
        }
    }
}
