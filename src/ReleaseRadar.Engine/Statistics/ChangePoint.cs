namespace ReleaseRadar.Engine.Statistics;

/// <summary>
/// Where a series changed: the split of a window into "before" and "after" that explains the data best (maximum
/// likelihood for one change). Used only to say when a regression began ("from 21m after the deploy"); whether it is a
/// regression at all is decided by the tests, never by this estimate.
/// </summary>
public static class ChangePoint
{
    /// <summary>
    /// The index of the first step after a rise of a binomial ratio (errors of requests, or requests above a latency), or
    /// null when no split shows a rise. Each step is (events, trials).
    /// </summary>
    public static int? RiseOfRatio(IReadOnlyList<(double Events, double Trials)> steps)
    {
        if (steps.Count < 2)
            return null;
        var totalEvents = steps.Sum(s => s.Events);
        var totalTrials = steps.Sum(s => s.Trials);
        if (totalTrials <= 0)
            return null;
        var whole = LogLikelihood(totalEvents, totalTrials);
        double beforeEvents = 0,
            beforeTrials = 0,
            best = 0;
        int? split = null;
        for (var k = 1; k < steps.Count; k++)
        {
            beforeEvents += steps[k - 1].Events;
            beforeTrials += steps[k - 1].Trials;
            var afterEvents = totalEvents - beforeEvents;
            var afterTrials = totalTrials - beforeTrials;
            if (beforeTrials <= 0 || afterTrials <= 0 || afterEvents / afterTrials <= beforeEvents / beforeTrials)
                continue;
            var gain = LogLikelihood(beforeEvents, beforeTrials) + LogLikelihood(afterEvents, afterTrials) - whole;
            if (gain > best)
            {
                best = gain;
                split = k;
            }
        }
        return split;
    }

    /// <summary>The index of the first step after a fall of the mean (for log traffic ratios), or null.</summary>
    public static int? FallOfMean(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
            return null;
        var total = values.Sum();
        double before = 0,
            best = 0;
        int? split = null;
        for (var k = 1; k < values.Count; k++)
        {
            before += values[k - 1];
            var meanBefore = before / k;
            var meanAfter = (total - before) / (values.Count - k);
            if (meanAfter >= meanBefore)
                continue;
            // Between-segment sum of squares: for a mean shift with equal variances, the likelihood is maximal where it is.
            var gain = k * (values.Count - k) / (double)values.Count * Math.Pow(meanBefore - meanAfter, 2);
            if (gain > best)
            {
                best = gain;
                split = k;
            }
        }
        return split;
    }

    private static double LogLikelihood(double events, double trials)
    {
        if (trials <= 0)
            return 0;
        var p = events / trials;
        double Term(double count, double prob) => count <= 0 || prob <= 0 ? 0 : count * Math.Log(prob);
        return Term(events, p) + Term(trials - events, 1 - p);
    }
}
