namespace ReleaseRadar.IntegrationTests;

/// <summary>`releaseradar suspects` as a process against a real Prometheus holding two hours of backfilled history.</summary>
public sealed class SuspectsCliTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    /// <summary>The scenario's checkout v2, deployed at the backfill's deploy time, and a catalog release 40 minutes before it.</summary>
    private static string Releases(string scenario) =>
        BackfilledPrometheus.ReleaseYaml(scenario)
        + "\n---\n"
        + BackfilledPrometheus
            .ReleaseYaml(scenario)
            .Replace($"checkout-{scenario}", $"catalog-{scenario}", StringComparison.Ordinal)
            .Replace("service: checkout", "service: catalog", StringComparison.Ordinal)
            .Replace(
                BackfilledPrometheus.Deploy.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                BackfilledPrometheus.Deploy.AddMinutes(-40).ToString("yyyy-MM-ddTHH:mm:ssZ"),
                StringComparison.Ordinal
            );

    private Task<CliProcess.Result> Suspects(string scenario, string metric)
    {
        PrometheusRequirement.EnsureAvailable();
        return CliProcess.RunAsync(
            "suspects",
            "--service",
            "checkout",
            "--metric",
            metric,
            "-l",
            $"scenario={scenario}",
            "-f",
            CliProcess.TempFile(Releases(scenario)),
            "--at",
            BackfilledPrometheus.Deploy.AddMinutes(40).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            "--since",
            "2h",
            "--prometheus",
            prometheus.Server!.Url.ToString()
        );
    }

    [Theory]
    [InlineData("errors", "5xx")]
    [InlineData("latency", "p95")]
    public async Task A_bad_release_of_the_symptoms_service_is_the_first_suspect(string scenario, string metric)
    {
        var r = await Suspects(scenario, metric);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.StartsWith("Symptom: ", lines[0]);
        Assert.Contains(", changed at ", lines[0]);
        Assert.DoesNotContain("None of these", r.Stdout);
        Assert.StartsWith($" 1. score ", lines[1]);
        Assert.Contains($"it/checkout-{scenario} (v2) deployed", lines[1]);
        Assert.Contains($"it/catalog-{scenario}", lines[2]); // ranked, below
    }

    [Fact]
    public async Task A_healthy_release_is_none_of_these_because_nothing_changed()
    {
        var r = await Suspects("good", "5xx");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("None of these: The 5xx rate of checkout shows no change in the look-back", r.Stdout);
    }
}
