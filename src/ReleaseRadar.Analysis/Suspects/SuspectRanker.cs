using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;
using ReleaseRadar.Engine.Statistics;

namespace ReleaseRadar.Analysis.Suspects;

/// <summary>
/// Which release broke it: given a symptom (a service and a metric), every service's per-step traffic over the look-back
/// and the releases deployed in it, finds the symptom's latest lasting change point with the engine's dating, and ranks
/// the releases by how close their deploy is to it, whether their own service changed at that moment, and whether the
/// symptom's service calls theirs. A change shared at that moment by services that no one release explains (its service
/// and their callers) is a shared or external cause, and "none of these" is the answer. Pure: the same inputs give the
/// same answer. Tuned on the suspects benchmark's corpus (docs/suspects.md).
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
        // Each service's change points are searched once: the rules below ask about the same services many times.
        var byName = new Dictionary<string, ServiceTraffic>(StringComparer.Ordinal);
        foreach (var s in services)
            byName.TryAdd(s.Service, s); // the first of a name, as a search of the list would find
        var changes = new Dictionary<(string, SymptomMetric), SymptomOnset?>();
        SymptomOnset? ChangeOf(ServiceTraffic t, SymptomMetric m) =>
            changes.TryGetValue((t.Service, m), out var c) ? c : changes[(t.Service, m)] = Change(t, m, policy);

        var symptom = byName.GetValueOrDefault(symptomService);
        if (metric == SymptomMetric.MovedMost)
            metric = symptom is null ? SymptomMetric.ServerErrorRate : MovedMost(symptom, ChangeOf);
        if (symptom is null || ChangeOf(symptom, metric) is not { } onset)
            return new SuspectsAnswer(
                metric,
                null,
                [],
                $"The {SymptomWords.Name(metric)} of {symptomService} shows no change in the look-back: nothing to explain",
                []
            );

        bool Calls(string caller, string callee) =>
            (calls.TryGetValue(caller, out var callees) && callees.Contains(callee))
            || releases.Any(r => r.Service == caller && r.Calls.Contains(callee));
        bool ChangedThen(string service) =>
            byName.TryGetValue(service, out var t) && ChangesOf(metric).Any(m => ChangeOf(t, m) is { } at && Near(at.At, onset.At, policy));

        var candidates = releases.Where(r => r.DeployedAt <= onset.At + policy.DeclaredLate).ToList();
        // The other services that changed with the symptom, less the most that one release shipped near the onset explains
        // (its own service and the services that call it): an incident has one culprit, and a release an hour old explains
        // nothing that changed now. What remains changed together for another reason.
        var changed = services.Where(s => s.Service != symptomService && ChangedThen(s.Service)).Select(s => s.Service).ToList();
        List<string> Unexplained(SuspectRelease? r) => [.. changed.Where(s => r is null || s != r.Service && !Calls(s, r.Service))];
        var together = candidates
            .Where(r => onset.At - r.DeployedAt <= policy.Proximity && ChangedThen(r.Service))
            .Select(Unexplained)
            .Append(Unexplained(null))
            .MinBy(l => l.Count)!
            .Order(StringComparer.Ordinal)
            .ToList();
        var others = services.Count - 1 - (changed.Count - together.Count);
        if (together.Count >= 2 && together.Count >= policy.SharedShare * others)
            return new SuspectsAnswer(
                metric,
                onset,
                [],
                Shared(together, others, name => ChangeOf(byName[name], SymptomMetric.Throughput), onset, policy),
                together
            );

        var ranked = candidates
            .Select(r =>
            {
                var gap = onset.At - r.DeployedAt;
                var same = r.Service == symptomService;
                var called = !same && Calls(symptomService, r.Service);
                var own = same || ChangedThen(r.Service);
                var late = -gap > policy.SameMoment;
                var score =
                    Math.Exp(-Math.Max(0, gap.TotalSeconds) / policy.Proximity.TotalSeconds)
                    * (same || called ? 1 : 0.4)
                    * (own ? 1 : 0.35)
                    * (late ? 0.5 : 1)
                    // Its own analysis found it healthy: the engine rarely calls a regression OK, so it is seldom the cause.
                    * (r.Verdict == Verdict.Ok ? 0.3 : 1);
                return new Suspect(r, Math.Round(score, 4), gap, own, called, Sentence(r, symptomService, gap, same, called, own, late));
            })
            .OrderByDescending(s => s.Score)
            .ThenByDescending(s => s.Release.DeployedAt)
            .ToList();
        string? none =
            ranked.Count == 0 ? $"no release was deployed before the onset at {Analysis.Planning.Rfc3339.Format(onset.At)}"
            : ranked[0].Score < MinScore
                ? $"no release explains it: the likeliest, {ranked[0].Release.Key}, scores {ranked[0].Score:0.00} ({ranked[0].Sentence})"
            : null;
        return new SuspectsAnswer(metric, onset, ranked, none, together);
    }

    /// <summary>
    /// Why the services that changed together point away from the releases: outside traffic when most of them also took
    /// half as much traffic again at that moment (with the median factor), a shared cause otherwise.
    /// </summary>
    private static string Shared(
        List<string> together,
        int others,
        Func<string, SymptomOnset?> trafficChange,
        SymptomOnset onset,
        SuspectPolicy policy
    )
    {
        var surges = together
            .Select(trafficChange)
            .Where(c => c is not null && Near(c.At, onset.At, policy) && c.After > c.Before)
            .Select(c => c!.After / Math.Max(c.Before, 1e-9))
            .Order()
            .ToList();
        var names = $"{string.Join(", ", together.Take(6))}{(together.Count > 6 ? ", …" : "")}";
        var within = ReasonText.Duration(policy.SameMoment);
        return surges.Count * 2 > together.Count
            ? $"traffic rose ×{surges[surges.Count / 2]:0.0} on {surges.Count} services within {within} of the onset, and {together.Count} of "
                + $"{others} services no release explains changed with it ({names}): an external surge"
            : $"{together.Count} of {others} services no release explains changed within {within} of the onset ({names}): a shared cause, "
                + "such as a dependency or infrastructure they share";
    }

    private static string Sentence(SuspectRelease r, string symptom, TimeSpan gap, bool same, bool called, bool own, bool late)
    {
        var when =
            gap >= TimeSpan.Zero ? $"deployed {ReasonText.Duration(gap)} before the onset"
            : late ? $"declared deployed {ReasonText.Duration(-gap)} after it (a cause only if declared late)"
            : $"deployed {ReasonText.Duration(-gap)} after it";
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

    /// <summary>
    /// The metric whose latest change is largest relative to its level before (either way for throughput); the 5xx rate
    /// when none changed, so the answer says that nothing did.
    /// </summary>
    private static SymptomMetric MovedMost(ServiceTraffic symptom, Func<ServiceTraffic, SymptomMetric, SymptomOnset?> changeOf) =>
        new[] { SymptomMetric.ServerErrorRate, SymptomMetric.ErrorRate, SymptomMetric.LatencyP95, SymptomMetric.Throughput }
            .Select(m => (Metric: m, Change: changeOf(symptom, m)))
            .Where(x => x.Change is not null)
            .Select(x => (x.Metric, Move: Ratio(x.Change!.After, x.Change.Before)))
            .OrderByDescending(x => x.Move)
            .Select(x => x.Metric)
            .DefaultIfEmpty(SymptomMetric.ServerErrorRate)
            .First();

    /// <summary>The metrics that count as "this service changed too": the symptom's own, and for error symptoms the other rate.</summary>
    private static SymptomMetric[] ChangesOf(SymptomMetric metric) =>
        metric switch
        {
            SymptomMetric.ServerErrorRate or SymptomMetric.ErrorRate => [SymptomMetric.ServerErrorRate, SymptomMetric.ErrorRate],
            _ => [metric],
        };

    private static bool Near(DateTimeOffset a, DateTimeOffset b, SuspectPolicy policy) => (a - b).Duration() <= policy.SameMoment;

    /// <summary>
    /// The service's latest material change point for the metric, null when there is none. The symptom is what is up now:
    /// the look-back is walked from its start, one material change at a time (the earliest of the best rise and the best
    /// fall after the last change found). A rise (for throughput, any change) becomes the onset; a change back to the level
    /// before it (the end of a blip) clears it. So a blip an hour before gives way to the change that lasts, and a blip
    /// that is over is no symptom.
    /// </summary>
    internal static SymptomOnset? Change(ServiceTraffic traffic, SymptomMetric metric, SuspectPolicy policy)
    {
        var steps = traffic.Steps;
        SymptomOnset? latest = null;
        var from = 0;
        while (NextChange(steps, from, metric, policy) is { } c)
        {
            if (latest is not null && Ratio(c.Onset.After, latest.Before) < policy.MinRatio)
                latest = null;
            else if (c.Rise || metric == SymptomMetric.Throughput)
                latest = c.Onset;
            from = c.Index;
        }
        return latest;
    }

    private static double Ratio(double a, double b) => Math.Max(a, 1e-9) / Math.Max(b, 1e-9) is var r && r >= 1 ? r : 1 / r;

    /// <summary>The earliest material change, up or down, in the steps from <paramref name="from"/> on.</summary>
    private static (int Index, SymptomOnset Onset, bool Rise)? NextChange(
        IReadOnlyList<StepSample> all,
        int from,
        SymptomMetric metric,
        SuspectPolicy policy
    )
    {
        var steps = all.Skip(from).ToList();
        if (steps.Count < 2 * MinSide)
            return null;
        var found = new List<(int Index, SymptomOnset Onset, bool Rise)>();
        switch (metric)
        {
            case SymptomMetric.ServerErrorRate or SymptomMetric.ErrorRate:
            {
                Func<StepSample, double> events = metric == SymptomMetric.ErrorRate ? s => s.Errors : s => s.ServerErrors;
                // A fall of the rate is a rise of its complement.
                var up = ChangePoint.RiseOfRatio([.. steps.Select(s => (events(s), s.Requests))]);
                var down = ChangePoint.RiseOfRatio([.. steps.Select(s => (s.Requests - events(s), s.Requests))]);
                foreach (var (k, rise) in new[] { (up, true), (down, false) })
                {
                    if (k is not { } at || !Inside(at, steps.Count))
                        continue;
                    var (eb, nb) = Totals(steps.Take(at), events);
                    var (ea, na) = Totals(steps.Skip(at), events);
                    var (before, after) = (ProportionTest.Smoothed(eb, nb), ProportionTest.Smoothed(ea, na));
                    var (low, high) = rise ? (before, after) : (after, before);
                    // Material, and no accident of noise: a two-proportion z of at least 4 (p < 0.0001, one-sided).
                    var pooled = (eb + ea) / (nb + na);
                    var z = (high - low) / Math.Sqrt(Math.Max(1e-12, pooled * (1 - pooled) * (1 / Math.Max(1, nb) + 1 / Math.Max(1, na))));
                    if (high - low >= policy.MinIncrease && high >= low * policy.MinRatio && z >= 4)
                        found.Add((from + at, Onset(steps, at, before, after), rise));
                }
                break;
            }
            case SymptomMetric.LatencyP95:
            {
                var p95 = steps.Select(s => s.Latency is { Count: > 0 } h ? HistogramQuantile.Quantile(0.95, h) : double.NaN).ToList();
                var known = Enumerable.Range(0, steps.Count).Where(i => double.IsFinite(p95[i])).ToList();
                if (known.Count < 2 * MinSide)
                    return null;
                var up = ChangePoint.FallOfMean([.. known.Select(i => -p95[i])]);
                var down = ChangePoint.FallOfMean([.. known.Select(i => p95[i])]);
                foreach (var (k, rise) in new[] { (up, true), (down, false) })
                {
                    if (k is not { } at || !Inside(at, known.Count))
                        continue;
                    var before = known.Take(at).Average(i => p95[i]);
                    var after = known.Skip(at).Average(i => p95[i]);
                    // Latency moves less than error rates do: a fifth more is already what people page on.
                    if ((rise ? after / before : before / after) >= Math.Min(policy.MinRatio, 1.2))
                        found.Add((from + known[at], Onset(steps, known[at], before, after), rise));
                }
                break;
            }
            default:
            {
                // Traffic changes either way: a surge tripling it, or a loss.
                var logs = steps.Select(s => Math.Log(s.Requests + 0.5)).ToList();
                var step = (steps[1].Time - steps[0].Time).TotalSeconds;
                foreach (var (k, rise) in new[] { (ChangePoint.FallOfMean([.. logs.Select(x => -x)]), true), (ChangePoint.FallOfMean(logs), false) })
                {
                    if (k is not { } at || !Inside(at, steps.Count))
                        continue;
                    var before = steps.Take(at).Average(s => s.Requests) / step;
                    var after = steps.Skip(at).Average(s => s.Requests) / step;
                    if ((before > 0 && after > 0 ? Ratio(after, before) : double.PositiveInfinity) >= policy.MinRatio)
                        found.Add((from + at, Onset(steps, at, before, after), rise));
                }
                break;
            }
        }
        return found.Count == 0 ? null : found.MinBy(f => f.Index);
    }

    private static (double Events, double Requests) Totals(IEnumerable<StepSample> steps, Func<StepSample, double> events) =>
        steps.Aggregate((E: 0d, N: 0d), (a, s) => (a.E + events(s), a.N + s.Requests));

    /// <summary>A split with a few steps on each side: one step alone is noise, not a change.</summary>
    private static bool Inside(int split, int count) => split >= MinSide && count - split >= MinSide;

    private const int MinSide = 3;

    /// <summary>A step's sample covers the step before its time: the change began where the first changed step began.</summary>
    private static SymptomOnset Onset(List<StepSample> steps, int k, double before, double after) =>
        new(steps[k].Time - (steps.Count > 1 ? steps[1].Time - steps[0].Time : TimeSpan.Zero), before, after);
}
