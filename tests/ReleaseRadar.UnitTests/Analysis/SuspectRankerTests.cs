using ReleaseRadar.Analysis.State;
using ReleaseRadar.Analysis.Suspects;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Analysis;

/// <summary>
/// Which release broke it, on three hours of synthetic per-minute traffic for eight services with Poisson-like noise:
/// one case per kind of cause the issue names, and the releases people would blame by habit placed nearby.
/// </summary>
public sealed class SuspectRankerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 14, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Incident = Start.AddHours(2); // 16:00
    private static readonly string[] Services = ["checkout", "payments", "catalog", "search", "cart", "users", "shipping", "reviews"];
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> CheckoutCallsPayments = new Dictionary<string, IReadOnlyList<string>>
    {
        ["checkout"] = ["payments"],
    };

    /// <summary>
    /// 180 one-minute steps; from <paramref name="from"/> on, the 5xx rate and the traffic are multiplied; for four minutes
    /// from <paramref name="blip"/>, the 5xx rate is as high as after <paramref name="from"/>.
    /// </summary>
    private static ServiceTraffic Traffic(
        string service,
        int seed,
        DateTimeOffset? from = null,
        double fiveXx = 1,
        double load = 1,
        DateTimeOffset? blip = null,
        double? blipFiveXx = null
    )
    {
        var random = new Random(seed);
        var steps = new List<StepSample>();
        for (var i = 1; i <= 180; i++)
        {
            var time = Start.AddMinutes(i);
            var changed = from is { } f && time > f;
            var requests = Math.Round(600 * (changed ? load : 1) * (1 + 0.05 * (random.NextDouble() - 0.5)));
            var blipping = blip is { } b && time > b && time <= b.AddMinutes(4);
            var rate =
                0.002
                * (
                    changed ? fiveXx
                    : blipping ? blipFiveXx ?? fiveXx
                    : 1
                );
            var errors = Math.Max(0, Math.Round(requests * rate + Math.Sqrt(requests * rate) * (random.NextDouble() - 0.5) * 2));
            steps.Add(new StepSample(time, requests, errors + Math.Round(requests * 0.003), errors, null));
        }
        return new ServiceTraffic(service, steps);
    }

    private static List<ServiceTraffic> Quiet(params ServiceTraffic[] changed) =>
        [.. Services.Select((s, i) => changed.FirstOrDefault(c => c.Service == s) ?? Traffic(s, 100 + i))];

    /// <summary>The answer for checkout's symptom, checkout calling payments.</summary>
    private static SuspectsAnswer Rank(IReadOnlyList<ServiceTraffic> services, IReadOnlyList<SuspectRelease> releases, SymptomMetric metric) =>
        SuspectRanker.Rank("checkout", metric, services, releases, CheckoutCallsPayments, SuspectPolicy.Default);

    private static SuspectRelease Release(string service, int minutesFromIncident, string version = "v2") =>
        new($"shop/{service}-{version}", version, service, Incident.AddMinutes(minutesFromIncident), null, []);

    [Fact]
    public void A_bad_release_of_the_symptoms_own_service_is_the_first_suspect()
    {
        var services = Quiet(Traffic("checkout", 1, Incident, fiveXx: 15));
        SuspectRelease[] releases = [Release("payments", -60), Release("catalog", -30), Release("checkout", 0), Release("search", 20)];
        var answer = Rank(services, releases, SymptomMetric.ServerErrorRate);
        Assert.Null(answer.NoneOfThese);
        Assert.Equal(Incident, answer.Onset!.At);
        Assert.Equal("shop/checkout-v2", answer.Ranked[0].Release.Key);
        Assert.StartsWith("shop/checkout-v2 (v2) deployed 0s before the onset; it is checkout itself", answer.Ranked[0].Sentence);
        // A release deployed after the onset cannot have caused it.
        Assert.DoesNotContain(answer.Ranked, s => s.Release.Service == "search");
    }

    [Fact]
    public void A_bad_release_of_a_dependency_is_blamed_for_its_callers_symptom_over_the_callers_own_release()
    {
        var services = Quiet(Traffic("payments", 2, Incident, fiveXx: 20), Traffic("checkout", 3, Incident.AddMinutes(1), fiveXx: 8));
        SuspectRelease[] releases = [Release("checkout", -8), Release("payments", 0), Release("catalog", -2)];
        var answer = Rank(services, releases, SymptomMetric.ServerErrorRate);
        Assert.Null(answer.NoneOfThese);
        Assert.Equal("shop/payments-v2", answer.Ranked[0].Release.Key);
        Assert.True(answer.Ranked[0].OwnServiceChanged);
        Assert.True(answer.Ranked[0].CalledBySymptom);
        Assert.Contains("checkout calls payments; payments changed at the same moment", answer.Ranked[0].Sentence);
    }

    [Fact]
    public void Traffic_tripling_everywhere_at_once_is_none_of_these_external()
    {
        var services = Services.Select((s, i) => Traffic(s, 10 + i, Incident, load: 3)).ToList();
        SuspectRelease[] releases = [Release("search", -2), Release("checkout", -45)];
        var answer = Rank(services, releases, SymptomMetric.Throughput);
        Assert.NotNull(answer.NoneOfThese);
        Assert.Contains("services no release explains changed with it", answer.NoneOfThese);
        Assert.Matches(@"^traffic rose ×(2\.[89]|3\.[01]) on [5-7] services within 2m of the onset, .*: an external surge$", answer.NoneOfThese);
        Assert.True(answer.ChangedTogether.Count >= 5);
    }

    [Fact]
    public void A_shared_infrastructure_incident_is_none_of_these_even_with_a_release_just_before_it()
    {
        var hit = new[] { "checkout", "catalog", "search", "cart", "users", "shipping" };
        var services = Services.Select((s, i) => hit.Contains(s) ? Traffic(s, 20 + i, Incident, fiveXx: 12) : Traffic(s, 20 + i)).ToList();
        SuspectRelease[] releases = [Release("catalog", -3)];
        var answer = Rank(services, releases, SymptomMetric.ServerErrorRate);
        Assert.NotNull(answer.NoneOfThese);
        // Catalog's change is its own release's to explain; the four others' is not. Their traffic did not move: not
        // outside traffic, something they share.
        Assert.StartsWith("4 of 6 services no release explains changed within 2m of the onset (cart, search, shipping, users)", answer.NoneOfThese);
        Assert.EndsWith("a shared cause, such as a dependency or infrastructure they share", answer.NoneOfThese);
    }

    [Fact]
    public void No_incident_at_all_is_none_of_these_with_no_change()
    {
        SuspectRelease[] releases = [Release("checkout", -10)];
        var answer = Rank(Quiet(), releases, SymptomMetric.ServerErrorRate);
        Assert.Null(answer.Onset);
        Assert.Equal("The 5xx rate of checkout shows no change in the look-back: nothing to explain", answer.NoneOfThese);
    }

    [Fact]
    public void An_unrelated_release_long_before_the_onset_does_not_explain_it()
    {
        var services = Quiet(Traffic("checkout", 4, Incident, fiveXx: 15));
        SuspectRelease[] releases = [Release("reviews", -90)];
        var answer = Rank(services, releases, SymptomMetric.ServerErrorRate);
        Assert.NotNull(answer.NoneOfThese);
        Assert.StartsWith("no release explains it: the likeliest, shop/reviews-v2", answer.NoneOfThese);
    }

    [Fact]
    public void A_strong_blip_an_hour_before_gives_way_to_the_smaller_change_that_lasts()
    {
        // The best single split of the look-back is the blip's (thirty times the rate for four minutes); the symptom is the
        // tripling of the last fifteen.
        var onset = Incident.AddMinutes(45);
        var services = Quiet(Traffic("checkout", 5, onset, fiveXx: 3, blip: onset.AddMinutes(-60), blipFiveXx: 30));
        SuspectRelease[] releases = [Release("checkout", -15, "v1"), Release("checkout", 45)];
        var answer = Rank(services, releases, SymptomMetric.ServerErrorRate);
        // Dated within a step or two of the truth (a tripling over fifteen noisy minutes), not at the blip.
        Assert.InRange(answer.Onset!.At, onset.AddMinutes(-2), onset.AddMinutes(2));
        Assert.Equal("shop/checkout-v2", answer.Ranked[0].Release.Key);
    }

    [Fact]
    public void A_blip_that_is_over_is_no_symptom()
    {
        // Fifteen times the rate for four minutes, over four minutes before the end: material, but no longer there.
        var services = Quiet(Traffic("checkout", 6, fiveXx: 15, blip: Incident.AddMinutes(52)));
        var answer = Rank(services, [Release("checkout", 51)], SymptomMetric.ServerErrorRate);
        Assert.Null(answer.Onset);
    }

    [Fact]
    public void A_release_declared_a_few_minutes_after_the_onset_stays_a_suspect_at_half_its_score()
    {
        var services = Quiet(Traffic("checkout", 7, Incident, fiveXx: 15));
        SuspectRelease[] releases = [Release("checkout", 3), Release("reviews", 20)];
        var answer = Rank(services, releases, SymptomMetric.ServerErrorRate);
        Assert.Null(answer.NoneOfThese);
        Assert.Equal("shop/checkout-v2", answer.Ranked[0].Release.Key);
        Assert.Equal(0.5, answer.Ranked[0].Score);
        Assert.Contains("declared deployed 3m after it (a cause only if declared late)", answer.Ranked[0].Sentence);
        // Twenty minutes after is beyond any late declaration.
        Assert.DoesNotContain(answer.Ranked, s => s.Release.Service == "reviews");
    }

    [Theory]
    [InlineData(15, 1, SymptomMetric.ServerErrorRate)]
    [InlineData(1, 3, SymptomMetric.Throughput)]
    public void Asked_for_whichever_moved_most_it_judges_that_metric_and_says_which(double fiveXx, double load, SymptomMetric expected)
    {
        var services = Quiet(Traffic("checkout", 8, Incident, fiveXx: fiveXx, load: load));
        var answer = Rank(services, [Release("checkout", 0)], SymptomMetric.MovedMost);
        Assert.Equal(expected, answer.Metric);
        Assert.Equal(Incident, answer.Onset!.At);
        Assert.Equal("shop/checkout-v2", answer.Ranked[0].Release.Key);
    }

    [Fact]
    public void A_release_its_own_analysis_judged_healthy_weighs_less_than_one_judged_risky()
    {
        var services = Quiet(Traffic("checkout", 9, Incident, fiveXx: 15));
        SuspectRelease[] releases =
        [
            Release("checkout", -1, "v3") with
            {
                Verdict = Verdict.Ok,
            },
            Release("checkout", -6) with
            {
                Verdict = Verdict.Risky,
            },
        ];
        var answer = Rank(services, releases, SymptomMetric.ServerErrorRate);
        Assert.Equal(["shop/checkout-v2", "shop/checkout-v3"], answer.Ranked.Select(s => s.Release.Key));
        Assert.Equal(Math.Round(0.3 * Math.Exp(-1 / 15.0), 4), answer.Ranked[1].Score);
        Assert.EndsWith($"its own verdict: {Vocabulary.Word(Verdict.Ok)}", answer.Ranked[1].Sentence);
    }
}
