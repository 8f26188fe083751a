using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api.Manifests;

namespace ReleaseRadar.UnitTests.Core;

/// <summary>
/// A spec that can never be judged is refused at admission, with the fix in the message, and every Release this project
/// ships (samples, the quick start, the chart's hooks) passes the same rule with the defaults it is run with.
/// </summary>
public sealed class StepBudgetTests
{
    private static System.Collections.Immutable.ImmutableArray<string> Errors(
        string baseline,
        string window,
        string step,
        string warmup,
        string interval
    )
    {
        var r = PlannerTests.Valid();
        r.Spec = r.Spec with
        {
            Baseline = new BaselineSpec { Window = baseline },
            Analysis = new AnalysisSpec
            {
                Window = window,
                Step = step,
                Warmup = warmup,
                Interval = interval,
            },
        };
        return ReleasePlanner.Plan(r.Subject).Errors;
    }

    [Fact]
    public void A_baseline_of_four_steps_is_refused_with_both_ways_out()
    {
        var error = Assert.Single(Errors("60s", "5m", "15s", "15s", "15s"));
        Assert.Equal(
            "spec.baseline.window: 1m / step 15s = 4 steps; latency needs 5 (spec.analysis.minSteps): use baseline.window ≥ 1m15s or step ≤ 12s",
            error
        );
    }

    [Fact]
    public void A_release_window_of_fewer_steps_than_latency_needs_is_refused()
    {
        var error = Assert.Single(Errors("10m", "2m", "30s", "1m", "30s"));
        Assert.StartsWith("spec.analysis.window: 2m after a 1m warm-up / step 30s = 2 steps; latency needs 5", error, StringComparison.Ordinal);
        Assert.EndsWith("use analysis.window ≥ 3m30s or step ≤ 12s", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Five_steps_each_way_are_enough()
    {
        Assert.Empty(Errors("75s", "90s", "15s", "15s", "15s"));
    }

    [Fact]
    public void Without_latency_in_the_score_the_step_count_does_not_matter()
    {
        var r = PlannerTests.Valid();
        r.Spec = r.Spec with
        {
            Baseline = new BaselineSpec { Window = "60s" },
            Analysis = new AnalysisSpec
            {
                Window = "5m",
                Step = "15s",
                Warmup = "15s",
                Interval = "15s",
                Weights = new WeightsSpec { Latency = 0 },
            },
        };
        Assert.Empty(ReleasePlanner.Plan(r.Subject).Errors);
    }

    public static TheoryData<string> ShippedReleases() =>
        [
            .. Directory
                .EnumerateFiles(RepoPaths.Of("config", "samples"), "*.yaml", SearchOption.AllDirectories)
                .Where(f => File.ReadAllText(f).Contains("kind: Release", StringComparison.Ordinal))
                .Select(f => Path.GetRelativePath(RepoPaths.Of(), f)),
        ];

    [Theory]
    [MemberData(nameof(ShippedReleases))]
    public void Every_shipped_release_can_be_judged_with_the_shipped_defaults(string file)
    {
        var path = RepoPaths.Of("config", "defaults", "analysis-defaults.yaml");
        var defaults = ManifestReader.ReadStrict<AnalysisDefaults>(File.ReadAllText(path), path)!;
        foreach (var release in ManifestReader.ReadReleases(File.ReadAllText(RepoPaths.Of(file))))
        {
            // As the cluster does on apply: a Release without spec.deployedAt is deployed when it is created.
            release.Metadata!.CreationTimestamp ??= new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
            Assert.Empty(ReleasePlanner.Plan(release.Subject, defaults).Errors);
            Assert.Empty(ReleasePlanner.Plan(release.Subject).Errors);
        }
    }
}
