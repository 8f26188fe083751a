using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Analysis.Suspects;

/// <summary>
/// Which release broke it: given a symptom (a service and a metric), every service's per-step traffic over the look-back
/// and the releases deployed in it, finds the symptom's change point with the engine's dating, and ranks the releases by
/// how close their deploy is to it, whether their own service changed at that moment, and whether the symptom's service
/// calls theirs. A change that services no release explains share at the same moment is a shared or external cause,
/// and "none of these" is the answer. Pure: the same inputs give the same answer.
/// </summary>
public static class SuspectRanker
{
    /// <summary>Below this score no suspect explains the symptom.</summary>
    public const double MinScore = 0.15;

    public static SuspectsAnswer Rank(
        string symptomService,
        SymptomMetric metric,
        IReadOnlyList<ServiceTraffic> services,
        IReadOnlyList<SuspectRelease> releases,
        IReadOnlyDictionary<string, IReadOnlyList<string>> calls,
        SuspectPolicy policy
    )
    {
        var symptom = services.FirstOrDefault(s => s.Service == symptomService);
        if (symptom is null || Change(symptom, metric, policy) is not { } onset)
            return new SuspectsAnswer(
                null,
                [],
                $"The {SymptomWords.Name(metric)} of {symptomService} shows no change in the look-back: nothing to explain",
                []
            );

        bool Calls(string caller, string callee) =>
            (calls.TryGetValue(caller, out var callees) && callees.Contains(callee))
            || releases.Any(r => r.Service == caller && r.Calls.Contains(callee));
        bool ChangedThen(string service) =>
            services.FirstOrDefault(s => s.Service == service) is { } t
            && ChangesOf(metric).Any(m => Change(t, m, policy) is { } c && Near(c.At, onset.At, policy));

        var candidates = releases.Where(r => r.DeployedAt <= onset.At + policy.SameMoment).ToList();
        // Services that changed with the symptom, less those a changed release's service explains (they call it).
        var explainedBy = candidates.Where(r => ChangedThen(r.Service)).Select(r => r.Service).ToHashSet(StringComparer.Ordinal);
        var others = services.Where(s => s.Service != symptomService && !explainedBy.Contains(s.Service)).ToList();
        var together = others
            .Where(s => ChangedThen(s.Service) && !explainedBy.Any(e => Calls(s.Service, e)))
            .Select(s => s.Service)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (together.Count >= 2 && together.Count >= policy.SharedShare * others.Count)
            return new SuspectsAnswer(
                onset,
                [],
                $"{together.Count} of {others.Count} services no release explains changed within {ReasonText.Duration(policy.SameMoment)} of the "
                    + $"onset ({string.Join(", ", together.Take(6))}{(together.Count > 6 ? ", …" : "")}): a shared or external cause",
                together
            );

        var ranked = candidates
            .Select(r =>
            {
                var gap = onset.At - r.DeployedAt;
                var same = r.Service == symptomService;
                var called = !same && Calls(symptomService, r.Service);
                var own = same || ChangedThen(r.Service);
                var score = Math.Exp(-Math.Max(0, gap.TotalSeconds) / policy.Proximity.TotalSeconds) * (same || called ? 1 : 0.4) * (own ? 1 : 0.35);
                return new Suspect(r, Math.Round(score, 4), gap, own, called, Sentence(r, symptomService, gap, same, called, own));
            })
            .OrderByDescending(s => s.Score)
            .ThenByDescending(s => s.Release.DeployedAt)
            .ToList();
        string? none =
            ranked.Count == 0 ? $"no release was deployed before the onset at {Analysis.Planning.Rfc3339.Format(onset.At)}"
            : ranked[0].Score < MinScore
                ? $"no release explains it: the likeliest, {ranked[0].Release.Key}, scores {ranked[0].Score:0.00} ({ranked[0].Sentence})"
            : null;
        return new SuspectsAnswer(onset, ranked, none, together);
    }

    private static string Sentence(SuspectRelease r, string symptom, TimeSpan gap, bool same, bool called, bool own)
    {
        var when = gap >= TimeSpan.Zero ? $"deployed {ReasonText.Duration(gap)} before the onset" : $"deployed {ReasonText.Duration(-gap)} after it";
        var relation =
            same ? $"it is {symptom} itself"
            : called ? $"{symptom} calls {r.Service}"
            : $"{symptom} is not known to call {r.Service}";
        var change =
            same ? ""
            : own ? $"; {r.Service} changed at the same moment"
            : $"; {r.Service} did not change then";
        var verdict = r.Verdict is { } v ? $"; its own verdict: {Vocabulary.Word(v)}" : "";
        return $"{r.Key}{(r.Version is { } ver ? $" ({ver})" : "")} {when}; {relation}{change}{verdict}";
    }

    /// <summary>The metrics that count as "this service changed too": the symptom's own, and for error symptoms the other rate.</summary>
    private static SymptomMetric[] ChangesOf(SymptomMetric metric) =>
        metric switch
        {
            SymptomMetric.ServerErrorRate or SymptomMetric.ErrorRate => [SymptomMetric.ServerErrorRate, SymptomMetric.ErrorRate],
            _ => [metric],
        };

    private static bool Near(DateTimeOffset a, DateTimeOffset b, SuspectPolicy policy) => (a - b).Duration() <= policy.SameMoment;

    /// <summary>The service's change point for the metric, when the change is material; null otherwise.</summary>
    internal static SymptomOnset? Change(ServiceTraffic traffic, SymptomMetric metric, SuspectPolicy policy)
    {
        var steps = traffic.Steps;
        if (steps.Count < 4)
            return null;
        switch (metric)
        {
            case SymptomMetric.ServerErrorRate or SymptomMetric.ErrorRate:
            {
                Func<StepSample, double> events = metric == SymptomMetric.ErrorRate ? s => s.Errors : s => s.ServerErrors;
                if (ChangePoint.RiseOfRatio([.. steps.Select(s => (events(s), s.Requests))]) is not { } k || !Inside(k, steps.Count))
                    return null;
                var (eb, nb) = Totals(steps.Take(k), events);
                var (ea, na) = Totals(steps.Skip(k), events);
                var (before, after) = (ProportionTest.Smoothed(eb, nb), ProportionTest.Smoothed(ea, na));
                // Material, and no accident of noise: a two-proportion z of at least 4 (p < 0.0001, one-sided).
                var pooled = (eb + ea) / (nb + na);
                var z = (after - before) / Math.Sqrt(Math.Max(1e-12, pooled * (1 - pooled) * (1 / Math.Max(1, nb) + 1 / Math.Max(1, na))));
                return after - before >= policy.MinIncrease && after >= before * policy.MinRatio && z >= 4 ? Onset(steps, k, before, after) : null;
            }
            case SymptomMetric.LatencyP95:
            {
                var p95 = steps.Select(s => s.Latency is { Count: > 0 } h ? HistogramQuantile.Quantile(0.95, h) : double.NaN).ToList();
                var known = Enumerable.Range(0, steps.Count).Where(i => double.IsFinite(p95[i])).ToList();
                if (known.Count < 4 || ChangePoint.FallOfMean([.. known.Select(i => -p95[i])]) is not { } k || !Inside(k, known.Count))
                    return null;
                var before = known.Take(k).Average(i => p95[i]);
                var after = known.Skip(k).Average(i => p95[i]);
                // Latency moves less than error rates do: a fifth more is already what people page on.
                return after >= before * Math.Min(policy.MinRatio, 1.2) ? Onset(steps, known[k], before, after) : null;
            }
            default:
            {
                // Traffic changes either way: a surge tripling it, or a loss.
                var logs = steps.Select(s => Math.Log(s.Requests + 0.5)).ToList();
                var split = new[] { ChangePoint.FallOfMean(logs), ChangePoint.FallOfMean([.. logs.Select(x => -x)]) }
                    .OfType<int>()
                    .Select(k => (k, Gain: Gain(logs, k)))
                    .OrderByDescending(x => x.Gain)
                    .Select(x => (int?)x.k)
                    .FirstOrDefault();
                if (split is not { } at || !Inside(at, steps.Count))
                    return null;
                var step = (steps[1].Time - steps[0].Time).TotalSeconds;
                var before = steps.Take(at).Average(s => s.Requests) / step;
                var after = steps.Skip(at).Average(s => s.Requests) / step;
                var ratio = before > 0 && after > 0 ? Math.Max(after / before, before / after) : double.PositiveInfinity;
                return ratio >= policy.MinRatio ? Onset(steps, at, before, after) : null;
            }
        }
    }

    private static double Gain(List<double> values, int k)
    {
        var before = values.Take(k).Average();
        var after = values.Skip(k).Average();
        return k * (values.Count - k) / (double)values.Count * Math.Pow(before - after, 2);
    }

    private static (double Events, double Requests) Totals(IEnumerable<StepSample> steps, Func<StepSample, double> events) =>
        steps.Aggregate((E: 0d, N: 0d), (a, s) => (a.E + events(s), a.N + s.Requests));

    /// <summary>A split with a few steps on each side: one step alone is noise, not a change.</summary>
    private static bool Inside(int split, int count) => split >= MinSide && count - split >= MinSide;

    private const int MinSide = 3;

    /// <summary>A step's sample covers the step before its time: the change began where the first changed step began.</summary>
    private static SymptomOnset Onset(IReadOnlyList<StepSample> steps, int k, double before, double after) =>
        new(steps[k].Time - (steps.Count > 1 ? steps[1].Time - steps[0].Time : TimeSpan.Zero), before, after);
}
