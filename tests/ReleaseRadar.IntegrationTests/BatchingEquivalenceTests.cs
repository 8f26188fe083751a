using System.Text.Json;
using ReleaseRadar.Analysis;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// Batching, and cutting a replay's windows from one fetch, are optimisations only: on real Prometheus data they must give
/// exactly the status of one query per analysis.
/// </summary>
public sealed class BatchingEquivalenceTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    [Fact]
    public async Task Batched_and_unbatched_analyses_are_identical()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        using var client = prometheus.NewClient();
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

    [Fact]
    public async Task Analyses_every_minute_from_held_steps_equal_whole_window_reads_at_a_fraction_of_the_bytes()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        using var client = prometheus.NewClient();
        var plain = new ReleaseAnalyzer(new PrometheusReleaseSource(client));
        foreach (var (name, _, _) in BackfilledPrometheus.Cases)
        {
            var yaml = BackfilledPrometheus.ReleaseYaml(name, control: name == "spike");
            // One batcher across the minutes, as the operator keeps one: it holds the steps read at the earlier minutes.
            var batched = new ReleaseAnalyzer(new PrometheusReleaseSource(client, new PopulationBatcher(client, TimeProvider.System)));
            var bytes = new List<long>();
            for (var minute = 10; minute <= 16; minute++)
            {
                var at = BackfilledPrometheus.Deploy.AddMinutes(minute);
                var a = await plain.AnalyzeAsync(ManifestReader.ReadReleases(yaml).Single(), at, null, ct);
                var before = client.ResponseBytesRead;
                var b = await batched.AnalyzeAsync(ManifestReader.ReadReleases(yaml).Single(), at, null, ct);
                bytes.Add(client.ResponseBytesRead - before);
                Assert.Equal(
                    JsonSerializer.Serialize(a.Status with { LastAnalysisTime = null }),
                    JsonSerializer.Serialize(b.Status with { LastAnalysisTime = null })
                );
            }
            // The first minute reads the baseline hour and the window; each later one only its newest step (and its probe).
            Assert.All(bytes.Skip(1), b => Assert.True(b * 5 < bytes[0], $"{name}: {b} bytes at a later minute, {bytes[0]} at the first"));
        }
    }

    /// <summary>Hides the source's ForWindowsAsync, so the replay fetches each window on its own.</summary>
    private sealed class EveryWindow(IReleaseMetricSource inner) : IReleaseMetricSource
    {
        public Task<Engine.AnalysisInput> FetchAsync(
            Analysis.Planning.ReleasePlan plan,
            Analysis.Planning.AnalysisWindows windows,
            CancellationToken cancellationToken
        ) => inner.FetchAsync(plan, windows, cancellationToken);
    }

    [Fact]
    public async Task A_replay_cut_from_one_fetch_equals_a_replay_that_fetches_every_window()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        using var client = prometheus.NewClient();
        var source = new PrometheusReleaseSource(client);
        var at = BackfilledPrometheus.Deploy.AddMinutes(25);
        foreach (var (name, _, _) in BackfilledPrometheus.Cases)
        {
            var yaml = BackfilledPrometheus.ReleaseYaml(name, control: name == "spike");
            var start = client.QueriesSent;
            var every = await new ReleaseAnalyzer(new EveryWindow(source)).ReplayAsync(ManifestReader.ReadReleases(yaml).Single(), at, null, ct);
            var separate = client.QueriesSent - start;
            start = client.QueriesSent;
            var cut = await new ReleaseAnalyzer(source).ReplayAsync(ManifestReader.ReadReleases(yaml).Single(), at, null, ct);
            var once = client.QueriesSent - start;

            Assert.True(every.Status.History is { Count: > 10 }, $"{name}: a replay of 25 minutes has a long history");
            Assert.Equal(JsonSerializer.Serialize(every.Status), JsonSerializer.Serialize(cut.Status));
            Assert.True(once <= 4 && separate >= 10 * once, $"{name}: {once} queries cut from one fetch, {separate} fetching every window");
        }
    }
}
