using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// A real Prometheus holding one service's afternoon of releases: v0 from the start, v1 (healthy) at 60 minutes, v2
/// (10 % 5xx) at 90, v1 again at 97 (the rollback), v3 (healthy) at 110; three hours of 15-second scrapes.
/// </summary>
public sealed class SequencePrometheus() : BackfilledFixture("sequence")
{
    public static readonly DateTimeOffset Start = new(2026, 5, 4, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset V1 = Start.AddMinutes(60);
    public static readonly DateTimeOffset V2 = Start.AddMinutes(90);

    /// <summary>When v2's traffic ends in the data: the operator's Undo must come before it.</summary>
    public static readonly DateTimeOffset RolledBack = Start.AddMinutes(97);
    public static readonly DateTimeOffset V3 = Start.AddMinutes(110);

    protected override string History()
    {
        var writer = new OpenMetricsHistoryWriter();
        DeploymentEntry At(DateTimeOffset t, string version, string scenario = Scenarios.Good) =>
            new()
            {
                At = $"{(t - Start).TotalMinutes}m",
                Version = version,
                Scenario = scenario,
            };
        var file = new ScenarioFile
        {
            Seed = 404,
            Labels = new() { ["scenario"] = "sequence" },
            Services =
            [
                new ServiceEntry
                {
                    Name = "checkout",
                    BaseRps = 40,
                    Timeline = [At(Start, "v0"), At(V1, "v1"), At(V2, "v2", Scenarios.ErrorRegression), At(RolledBack, "v1"), At(V3, "v3")],
                },
            ],
        };
        writer.Simulate(new ScenarioRunner(file, Start), Start, Start.AddHours(3), TimeSpan.FromSeconds(15));
        return Text(writer);
    }
}
