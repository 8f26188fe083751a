using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// A real Prometheus holding three hours of one incident scenario of each cause, drawn from the suspects benchmark's
/// corpus (its seed, the first scenario of each cause): 8 to 20 services, their call graph, 5 to 15 Releases.
/// </summary>
public sealed class IncidentHistory() : BackfilledFixture("incidents")
{
    public const int Seed = 20261207;

    public static readonly IReadOnlyList<IncidentScenario> Scenarios = IncidentCorpus.Generate(Seed, perCause: 1);

    protected override string History() => Text(IncidentCorpus.History(Scenarios));
}
