using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// A real Prometheus holding two hours of backfilled history for a handful of labelled scenarios (promtool
/// create-blocks-from openmetrics). Each scenario deploys v2 of checkout one hour in; catalog is the control.
/// </summary>
public sealed class BackfilledPrometheus() : BackfilledFixture("it")
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Deploy = Start.AddHours(1);

    public static readonly (string Name, string Scenario, string? Incident)[] Cases =
    [
        ("good", Scenarios.Good, null),
        ("errors", Scenarios.ErrorRegression, null),
        ("latency", Scenarios.LatencyRegression, null),
        ("spike", Scenarios.Good, Scenarios.TrafficSpike),
        ("trickle", Scenarios.LowTraffic, null),
        ("outage", Scenarios.Good, Scenarios.Outage),
    ];

    protected override string History()
    {
        var writer = new OpenMetricsHistoryWriter();
        var seed = 100;
        foreach (var (name, scenario, incident) in Cases)
        {
            var file = new ScenarioFile
            {
                Seed = seed++,
                Labels = new() { ["scenario"] = name },
                Services =
                [
                    new ServiceEntry
                    {
                        Name = "checkout",
                        BaseRps = 40,
                        Timeline =
                        [
                            new DeploymentEntry { At = "0s", Version = "v1" },
                            new DeploymentEntry
                            {
                                At = "60m",
                                Version = "v2",
                                Scenario = scenario,
                            },
                        ],
                    },
                    new ServiceEntry
                    {
                        Name = "catalog",
                        BaseRps = 30,
                        Timeline = [new DeploymentEntry { At = "0s", Version = "v9" }],
                    },
                ],
                Incidents = incident is null
                    ? []
                    :
                    [
                        new IncidentEntry
                        {
                            At = "62m",
                            Duration = "58m",
                            Effect = incident,
                            Services = incident == Scenarios.Outage ? ["checkout"] : [],
                        },
                    ],
            };
            writer.Simulate(new ScenarioRunner(file, Start), Start, Start.AddHours(2), TimeSpan.FromSeconds(15));
        }
        return Text(writer);
    }

    public static string ReleaseYaml(string scenario, string extra = "", bool control = false) =>
        $"""
            apiVersion: releaseradar.io/v1alpha1
            kind: Release
            metadata:
              name: checkout-{scenario}
              namespace: it
            spec:
              version: v2
              commit: abc1234
              deployedAt: "{Deploy:yyyy-MM-ddTHH:mm:ssZ}"
              selector:
                service: checkout
                scenario: {scenario}
            {(control ? $"  control:\n    selector:\n      service: catalog\n      scenario: {scenario}\n" : "")}{extra}
            """;
}
