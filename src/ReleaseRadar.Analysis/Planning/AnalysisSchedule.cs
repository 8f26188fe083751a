namespace ReleaseRadar.Analysis.Planning;

/// <summary>Where in its life a release is at a given time, and which windows an analysis at that time covers.</summary>
public static class AnalysisSchedule
{
    public static AnalysisWindows At(ReleasePlan plan, DateTimeOffset at)
    {
        var step = plan.Step;
        var (currentStart, windowEnd) = Grid(plan);
        var effective = at < windowEnd ? at : windowEnd;

        // Analyses land on the interval grid: the entry for "10 minutes in" is the same whenever it is computed.
        var intervals = Math.Floor((effective - currentStart) / plan.Interval);
        var currentEnd = currentStart + plan.Interval * Math.Max(0, intervals);
        if (at >= windowEnd)
            currentEnd = windowEnd;

        var phase =
            at < plan.DeployedAt ? ReleasePhase.Pending
            : currentEnd - currentStart < step ? ReleasePhase.WarmingUp
            : at >= windowEnd ? ReleasePhase.Completed
            : ReleasePhase.Analyzing;

        var baselineEnd = Floor(plan.DeployedAt, step);
        var (baselineStart, baselineStop) =
            plan.Mode == Engine.BaselineMode.Concurrent ? (currentStart, currentEnd)
            : plan.PinnedBaseline is { } pin ? (Ceiling(pin.Window.Start, step), Floor(pin.Window.End, step))
            : (baselineEnd - plan.BaselineWindow, baselineEnd);
        return new AnalysisWindows(phase, currentStart, currentEnd, baselineStart, baselineStop, step, phase == ReleasePhase.Completed);
    }

    /// <summary>
    /// Window boundaries sit on the wall-clock step grid (multiples of the step since the epoch), as Prometheus recording
    /// rules do. Releases analysed in the same minute therefore share their step timestamps, which lets one query serve many.
    /// </summary>
    public static (DateTimeOffset CurrentStart, DateTimeOffset WindowEnd) Grid(ReleasePlan plan)
    {
        var currentStart = Ceiling(plan.DeployedAt + plan.Warmup, plan.Step);
        var windowEnd = Floor(plan.DeployedAt + plan.Window, plan.Step);
        return (currentStart, windowEnd < currentStart ? currentStart : windowEnd);
    }

    public static DateTimeOffset Floor(DateTimeOffset t, TimeSpan step) =>
        new(t.UtcTicks - (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % step.Ticks, TimeSpan.Zero);

    public static DateTimeOffset Ceiling(DateTimeOffset t, TimeSpan step)
    {
        var floor = Floor(t, step);
        return floor == t ? floor : floor + step;
    }

    /// <summary>Every analysis time from the first full interval up to <paramref name="at"/>: what the operator would have run.</summary>
    public static IEnumerable<DateTimeOffset> AnalysisTimes(ReleasePlan plan, DateTimeOffset at)
    {
        var (currentStart, windowEnd) = Grid(plan);
        var last = at < windowEnd ? at : windowEnd;
        for (var t = currentStart + plan.Interval; t <= last; t += plan.Interval)
            yield return t;
        if ((last - currentStart).Ticks % plan.Interval.Ticks != 0 && at >= windowEnd)
            yield return windowEnd;
    }

    /// <summary>When the next analysis is due: the next interval boundary, or null once the window has ended.</summary>
    public static DateTimeOffset? NextAnalysis(ReleasePlan plan, DateTimeOffset at)
    {
        var (currentStart, windowEnd) = Grid(plan);
        if (at >= windowEnd)
            return null;
        if (at < currentStart + plan.Interval)
            return currentStart + plan.Interval;
        var n = Math.Floor((at - currentStart) / plan.Interval) + 1;
        var next = currentStart + plan.Interval * n;
        return next > windowEnd ? windowEnd : next;
    }
}
