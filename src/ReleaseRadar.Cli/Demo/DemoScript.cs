using k8s.Models;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Cli.Demo;

/// <summary>
/// The demo's compressed story, in seconds instead of minutes: checkout v1 ships healthy; v2 slowly degrades and is rolled
/// back; v3 ships while an outside traffic spike hurts every service, which the control (catalog) shows to be no fault of v3.
/// </summary>
public sealed record DemoScript(DateTimeOffset Start)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(40);
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan V1At = TimeSpan.FromSeconds(40);
    public static readonly TimeSpan V2At = TimeSpan.FromSeconds(80);
    public static readonly TimeSpan RollbackAt = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan V3At = TimeSpan.FromSeconds(160);
    public static readonly TimeSpan SpikeAt = TimeSpan.FromSeconds(165);
    public static readonly TimeSpan End = V3At + Window;

    public static ScenarioFile Scenario() =>
        new()
        {
            Seed = 2026,
            Services =
            [
                new ServiceEntry
                {
                    Name = "checkout",
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
                        new DeploymentEntry
                        {
                            At = S(RollbackAt),
                            Version = "v1",
                            Scenario = Scenarios.Good,
                        },
                        new DeploymentEntry
                        {
                            At = S(V3At),
                            Version = "v3",
                            Scenario = Scenarios.Good,
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
            Incidents =
            [
                new IncidentEntry
                {
                    At = S(SpikeAt),
                    Duration = S(End - SpikeAt + TimeSpan.FromSeconds(10)),
                    Effect = Scenarios.TrafficSpike,
                },
            ],
        };

    public IReadOnlyList<Release> Releases() =>
        [
            Make("checkout-v1", "v1", "4f1c2ab", V1At, "healthy release"),
            Make("checkout-v2", "v2", "9d03e7f", V2At, "degrades a few seconds after the deploy"),
            Make("checkout-v3", "v3", "c72b1e0", V3At, "healthy, but shipped during an outside traffic spike"),
        ];

    private Release Make(string name, string version, string commit, TimeSpan at, string story) =>
        new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "demo",
                Generation = 1,
                Annotations = new Dictionary<string, string> { ["releaseradar.io/story"] = story },
            },
            Spec = new ReleaseSpec
            {
                Version = version,
                Commit = commit,
                DeployedAt = Rfc3339.Format(Start + at),
                Target = new TargetReference { Kind = "Deployment", Name = "checkout" },
                Selector = new Dictionary<string, string> { ["service"] = "checkout" },
                Control = new ControlSpec { Selector = new Dictionary<string, string> { ["service"] = "catalog" } },
                Baseline = new BaselineSpec { Window = GoDuration.Format(Window) },
                Analysis = new AnalysisSpec
                {
                    Window = GoDuration.Format(Window),
                    Interval = GoDuration.Format(Interval),
                    Warmup = GoDuration.Format(Interval),
                },
            },
        };

    private static string S(TimeSpan t) => $"{(int)t.TotalSeconds}s";
}
