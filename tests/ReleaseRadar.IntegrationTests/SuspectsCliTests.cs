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

    /// <summary>
    /// The symptom: checkout's series of one scenario, 40 minutes after its deploy; the Releases come from <paramref name="extra"/>.
    /// </summary>
    private Task<CliProcess.Result> Suspects(string scenario, params string[] extra)
    {
        PrometheusRequirement.EnsureAvailable();
        return CliProcess.RunAsync([
            "suspects",
            "--service",
            "checkout",
            "-l",
            $"scenario={scenario}",
            "--at",
            BackfilledPrometheus.Deploy.AddMinutes(40).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            "--prometheus",
            prometheus.Server!.Url.ToString(),
            .. extra,
        ]);
    }

    [Theory]
    [InlineData("errors", "5xx")]
    [InlineData("latency", "p95")]
    public async Task A_bad_release_of_the_symptoms_service_is_the_first_suspect(string scenario, string metric)
    {
        var r = await Suspects(scenario, "--metric", metric, "--since", "2h", "-f", CliProcess.TempFile(Releases(scenario)));
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
    public async Task Without_a_file_it_reads_every_release_in_the_cluster()
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await Operator.OperatorHarness.StartAsync();
        h.Apply("releases", "shop", Operator.OperatorHarness.ReleaseJson("checkout-bad", "errors", BackfilledPrometheus.Deploy));
        h.Apply(
            "releases",
            "catalog",
            Operator
                .OperatorHarness.ReleaseJson("catalog-v9", "errors", BackfilledPrometheus.Deploy.AddMinutes(-30))
                .Replace("\"service\":\"checkout\"", "\"service\":\"catalog\"", StringComparison.Ordinal)
        );
        var r = await Suspects("errors", "--kubeconfig", h.Kubeconfig);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.Contains("shop/checkout-bad (v2) deployed 0s before the onset", lines[1]);
        Assert.Contains("catalog/catalog-v9 (v2) deployed 30m before the onset", lines[2]);
    }

    [Fact]
    public async Task Spec_depends_on_makes_a_called_service_a_nearer_suspect()
    {
        PrometheusRequirement.EnsureAvailable();
        // Checkout's own release declares that checkout calls catalog; a catalog release shipped just before the onset.
        var releases = Releases("errors")
            .Replace(
                "  deployedAt: \"" + BackfilledPrometheus.Deploy.AddMinutes(-40).ToString("yyyy-MM-ddTHH:mm:ssZ") + "\"",
                "  deployedAt: \"" + BackfilledPrometheus.Deploy.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ") + "\"",
                StringComparison.Ordinal
            )
            .Replace(
                "  version: v2\n  commit: abc1234\n",
                "  version: v2\n  commit: abc1234\n  dependsOn: [{service: catalog}]\n",
                StringComparison.Ordinal
            );
        Task<CliProcess.Result> Run(string file) => Suspects("errors", "-f", CliProcess.TempFile(file));
        var declared = await Run(releases);
        Assert.True(declared.ExitCode == 0, declared.Stderr);
        Assert.Contains("it/catalog-errors (v2) deployed 1m before the onset; checkout calls catalog; catalog did not change then", declared.Stdout);
        var undeclared = await Run(releases.Replace("  dependsOn: [{service: catalog}]\n", "", StringComparison.Ordinal));
        Assert.Contains("checkout is not known to call catalog", undeclared.Stdout);
    }

    [Fact]
    public async Task Json_output_follows_its_schema()
    {
        PrometheusRequirement.EnsureAvailable();
        var r = await Suspects("errors", "-f", CliProcess.TempFile(Releases("errors")), "-o", "json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(
            Path.Combine(Packaging.Tools.Root, "docs", "schemas", "suspects.schema.json"),
            TestContext.Current.CancellationToken
        );
        var errors = schema.Validate(r.Stdout);
        Assert.True(errors.Count == 0, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
        var json = System.Text.Json.Nodes.JsonNode.Parse(r.Stdout)!;
        Assert.Equal("it/checkout-errors", json["suspects"]![0]!["release"]!.GetValue<string>());
        Assert.Equal(0, json["suspects"]![0]!["deployToOnsetSeconds"]!.GetValue<double>());
        Assert.Equal(BackfilledPrometheus.Deploy.ToString("yyyy-MM-ddTHH:mm:ssZ"), json["onset"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_service_that_changed_at_the_onset_with_no_release_to_explain_it_is_named()
    {
        // Outside traffic hits checkout and catalog two minutes after checkout's release: with two services in all, one
        // other is too few to call shared, so the release is ranked, and catalog's change is shown beside it.
        var r = await Suspects("spike", "-f", CliProcess.TempFile(Releases("spike")));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains(" 1. score ", r.Stdout);
        Assert.Contains("Also changed at the onset, with no release to explain it: catalog\n", r.Stdout);
    }

    [Fact]
    public async Task A_misspelt_service_exits_five_naming_the_services_that_exist()
    {
        PrometheusRequirement.EnsureAvailable();
        var r = await CliProcess.RunAsync(
            "suspects",
            "--service",
            "checkuot",
            "-l",
            "scenario=errors",
            "--at",
            BackfilledPrometheus.Deploy.AddMinutes(40).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            "-f",
            CliProcess.TempFile(Releases("errors")),
            "--prometheus",
            prometheus.Server!.Url.ToString()
        );
        Assert.Equal(5, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("no series of http_requests_total has service=\"checkuot\" with scenario=\"errors\" between ", r.Stderr);
        Assert.Contains("the values service carries there: \"catalog\", \"checkout\"", r.Stderr);
    }

    [Fact]
    public async Task A_healthy_release_is_none_of_these_because_nothing_changed()
    {
        var r = await Suspects("good", "-f", CliProcess.TempFile(Releases("good")));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("None of these: The 5xx rate of checkout shows no change in the look-back", r.Stdout);
    }
}
