using System.Text.Json.Nodes;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// `releaseradar suspects` as a process against a real Prometheus, on one incident of each kind of cause: the answer
/// must name the culprit first for a release cause, and say "none of these" with the right reason for the others. Who
/// calls whom comes from the mesh's metric (istio_requests_total, which the simulation exports), as in a cluster with Istio.
/// </summary>
public sealed class SuspectsIncidentTests(IncidentHistory history) : IClassFixture<IncidentHistory>
{
    /// <summary>The command for a scenario's symptom, at the time it is seen, over its Releases as <paramref name="releases"/> gives them.</summary>
    private string[] Command(IncidentScenario s, string releases, params string[] extra) =>
        [
            "suspects",
            "--service",
            s.SymptomService,
            "--metric",
            s.Metric,
            "--since",
            "2h",
            "--at",
            s.At.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            "-l",
            $"scenario={s.Id}",
            "-f",
            CliProcess.TempFile(releases),
            "--prometheus",
            history.Server!.Url.ToString(),
            .. extra,
        ];

    private async Task<(IncidentScenario Scenario, JsonNode Answer, string Text)> Ask(IncidentCause cause)
    {
        PrometheusRequirement.EnsureAvailable();
        var s = IncidentHistory.Scenarios.Single(x => x.Cause == cause);
        var json = await CliProcess.RunAsync(Command(s, s.ReleasesYaml(), "-o", "json"));
        Assert.True(json.ExitCode == 0, json.Stderr);
        var text = await CliProcess.RunAsync(Command(s, s.ReleasesYaml()));
        Assert.True(text.ExitCode == 0, text.Stderr);
        return (s, JsonNode.Parse(json.Stdout)!, text.Stdout);
    }

    [Theory]
    [InlineData(IncidentCause.BadRelease)]
    [InlineData(IncidentCause.BadDependencyRelease)]
    public async Task A_release_cause_is_the_first_suspect_with_the_onset_dated_near_the_truth(IncidentCause cause)
    {
        var (s, answer, text) = await Ask(cause);
        Assert.Null(answer["noneOfThese"]);
        Assert.Equal(s.Culprit, answer["suspects"]![0]!["release"]!.GetValue<string>());
        var onset = DateTimeOffset.Parse(answer["onset"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange((onset - s.TrueOnset!.Value).Duration(), TimeSpan.Zero, TimeSpan.FromMinutes(2));
        Assert.Contains($" 1. score ", text);
        Assert.Contains(s.Culprit!, text.Split('\n')[1]);
        if (cause == IncidentCause.BadDependencyRelease)
        {
            Assert.True(answer["suspects"]![0]!["calledBySymptom"]!.GetValue<bool>());
            Assert.Contains($"{s.SymptomService} calls ", text.Split('\n')[1]);
        }
    }

    [Theory]
    [InlineData(IncidentCause.ExternalSurge, ": an external surge")]
    [InlineData(IncidentCause.SharedInfrastructure, ": a shared cause, such as a dependency or infrastructure they share")]
    public async Task An_external_or_shared_cause_is_none_of_these_naming_the_services_that_changed_together(IncidentCause cause, string why)
    {
        var (s, answer, text) = await Ask(cause);
        Assert.EndsWith(why, answer["noneOfThese"]!.GetValue<string>());
        var together = answer["changedTogether"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.True(together.Count >= 2, string.Join(", ", together));
        // Every service named was hit by the incident: none is an innocent bystander.
        var hit = s.File.Incidents.SelectMany(i => i.Services.Count == 0 ? s.File.Services.Select(x => x.Name) : i.Services);
        Assert.All(together, t => Assert.Contains(t, hit));
        Assert.Empty(answer["suspects"]!.AsArray());
        Assert.Contains("None of these: ", text);
    }

    [Fact]
    public async Task The_mesh_metric_gives_the_call_graph_of_the_scenario()
    {
        PrometheusRequirement.EnsureAvailable();
        var s = IncidentHistory.Scenarios.Single(x => x.Cause == IncidentCause.BadDependencyRelease);
        using var client = history.NewClient();
        var graph = await new ReleaseRadar.Prometheus.MeshCallGraphReader(client).ReadAsync(
            ReleaseRadar.Prometheus.MeshLabels.Istio,
            new Dictionary<string, string> { ["scenario"] = s.Id },
            s.At,
            s.Since,
            TestContext.Current.CancellationToken
        );
        Assert.NotEmpty(graph);
        IEnumerable<string> Edges(IReadOnlyDictionary<string, IReadOnlyList<string>> g) =>
            g.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}->{string.Join(",", kv.Value.Order())}");
        Assert.Equal(Edges(s.Calls), Edges(graph));
        // Istio's destination_service is a host name (payments.default.svc.cluster.local): read, it names the same services.
        var byHost = await new ReleaseRadar.Prometheus.MeshCallGraphReader(client).ReadAsync(
            ReleaseRadar.Prometheus.MeshLabels.Istio with
            {
                Callee = "destination_service",
            },
            new Dictionary<string, string> { ["scenario"] = s.Id },
            s.At,
            s.Since,
            TestContext.Current.CancellationToken
        );
        Assert.Equal(Edges(s.Calls), Edges(byHost));
        // Without the mesh (and without --calls or spec.dependsOn), the dependency is unknown: the caller's symptom is not
        // pinned on the service it calls.
        var blind = await CliProcess.RunAsync(Command(s, s.ReleasesYaml(dependsOn: false), "--mesh", "none"));
        Assert.True(blind.ExitCode == 0, blind.Stderr);
        Assert.DoesNotContain($"{s.SymptomService} calls ", blind.Stdout);
    }

    [Fact]
    public async Task Nothing_happened_is_none_of_these()
    {
        var (_, answer, _) = await Ask(IncidentCause.NoIncident);
        Assert.NotNull(answer["noneOfThese"]);
    }
}
