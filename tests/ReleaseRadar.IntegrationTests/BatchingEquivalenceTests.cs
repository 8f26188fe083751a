using System.Text.Json;
using ReleaseRadar.Core;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.IntegrationTests;

/// <summary>Batching is an optimisation only: on real Prometheus data it must give exactly the unbatched status.</summary>
public sealed class BatchingEquivalenceTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    [Fact]
    public async Task Batched_and_unbatched_analyses_are_identical()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        using var client = new PrometheusClient(new PrometheusOptions { Url = prometheus.Server!.Url });
        var plain = new ReleaseAnalyzer(new PrometheusReleaseSource(client));
        var batched = new ReleaseAnalyzer(new PrometheusReleaseSource(client, new PopulationBatcher(client, TimeProvider.System)));
        var at = BackfilledPrometheus.Deploy.AddMinutes(17);
        foreach (var (name, _, _) in BackfilledPrometheus.Cases)
        {
            var yaml = BackfilledPrometheus.ReleaseYaml(name, control: name == "spike");
            var a = await plain.AnalyzeAsync(ManifestReader.ReadReleases(yaml).Single(), at, null, ct);
            var before = client.QueriesSent;
            var b = await batched.AnalyzeAsync(ManifestReader.ReadReleases(yaml).Single(), at, null, ct);
            Assert.True(client.QueriesSent > before);
            Assert.Equal(
                JsonSerializer.Serialize(a.Status with { LastAnalysisTime = null }),
                JsonSerializer.Serialize(b.Status with { LastAnalysisTime = null })
            );
        }
    }
}
