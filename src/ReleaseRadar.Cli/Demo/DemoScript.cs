using k8s.Models;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Cli.Demo;

/// <summary>
/// The demo's compressed story, in seconds instead of minutes: checkout v1 ships healthy; v2 degrades, is judged risky
/// and undone, which supersedes it; v3, the fix, ships soon after, so its pre-deploy window holds v2's bad minutes and it
/// is judged against v1's window instead; an outside traffic spike then hurts every service, which the control
/// (catalog) shows to be no fault of v3. The undo and v3 follow the verdicts (<see cref="DemoStory"/>); the rest is fixed.
/// </summary>
public sealed record DemoScript(DateTimeOffset Start)
{
    public const string Namespace = "demo";
    public const string Service = "checkout";
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(40);
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan V1At = TimeSpan.FromSeconds(40);

    /// <summary>After v1's last analysis (its window ends at +80 s), so v1 completes instead of being superseded by v2.</summary>
    public static readonly TimeSpan V2At = TimeSpan.FromSeconds(86);

    /// <summary>How long after the Undo the fix ships: well inside the baseline window, so v2's bad minutes would be in it.</summary>
    public static readonly TimeSpan FixAfterUndo = TimeSpan.FromSeconds(12);

    /// <summary>How long after v3 ships the outside traffic spike begins.</summary>
    public static readonly TimeSpan SpikeAfterV3 = TimeSpan.FromSeconds(5);

    /// <summary>When v3 ships if v2 is never undone (the story then fails its check, but still ends).</summary>
    public static readonly TimeSpan V3AtLatest = V2At + Window + TimeSpan.FromSeconds(8);

    /// <summary>The story's end at the latest: v3's window after its latest ship time.</summary>
    public static readonly TimeSpan End = V3AtLatest + Window;

    public static ScenarioFile Scenario() =>
        new()
        {
            Seed = 2026,
            Services =
            [
                new ServiceEntry
                {
                    Name = Service,
                    BaseRps = 1000,
                    Timeline =
                    [
                        new DeploymentEntry
                        {
                            At = "0s",
                            Version = "v0",
                            Scenario = Scenarios.Good,
                        },
                        new DeploymentEntry
                        {
                            At = S(V1At),
                            Version = "v1",
                            Scenario = Scenarios.Good,
                        },
                        new DeploymentEntry
                        {
                            At = S(V2At),
                            Version = "v2",
                            Scenario = Scenarios.SlowDegradation,
                            Ramp = "14s",
                        },
                    ],
                },
                new ServiceEntry
                {
                    Name = "catalog",
                    BaseRps = 700,
                    Timeline =
                    [
                        new DeploymentEntry
                        {
                            At = "0s",
                            Version = "v5",
                            Scenario = Scenarios.Good,
                        },
                    ],
                },
            ],
        };

    /// <summary>The Release a post-deploy hook would create for <paramref name="version"/>, shipped at <paramref name="at"/>.</summary>
    public static Release Make(string version, DateTimeOffset at) =>
        new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{Service}-{version}",
                NamespaceProperty = Namespace,
                Generation = 1,
                CreationTimestamp = at.UtcDateTime,
                Annotations = new Dictionary<string, string> { ["releaseradar.io/story"] = Story(version) },
            },
            Spec = new ReleaseSpec
            {
                Version = version,
                Commit = Commits.GetValueOrDefault(version),
                DeployedAt = Rfc3339.Format(at),
                Target = new TargetReference { Kind = "Deployment", Name = Service },
                Selector = new Dictionary<string, string> { ["service"] = Service },
                Control = new ControlSpec { Selector = new Dictionary<string, string> { ["service"] = "catalog" } },
                Baseline = new BaselineSpec { Window = GoDuration.Format(Window) },
                Analysis = new AnalysisSpec
                {
                    Window = GoDuration.Format(Window),
                    Interval = GoDuration.Format(Interval),
                    Warmup = GoDuration.Format(Interval),
                },
                Rollback = "Undo",
            },
        };

    private static readonly Dictionary<string, string> Commits = new()
    {
        ["v1"] = "4f1c2ab",
        ["v2"] = "9d03e7f",
        ["v3"] = "c72b1e0",
    };

    private static string Story(string version) =>
        version switch
        {
            "v1" => "healthy release",
            "v2" => "degrades a few seconds after the deploy; undone",
            _ => "the fix, shipped soon after the undo and during an outside traffic spike",
        };

    private static string S(TimeSpan t) => $"{(int)t.TotalSeconds}s";
}
