using System.Text.Json;
using System.Text.RegularExpressions;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.IntegrationTests;

public sealed class AnalyzeCliTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static readonly string At = BackfilledPrometheus.Deploy.AddMinutes(40).ToString("yyyy-MM-ddTHH:mm:ssZ");

    private Task<CliProcess.Result> Analyze(string yaml, params string[] extra) => AnalyzeAt(yaml, At, extra);

    private Task<CliProcess.Result> AnalyzeAt(string yaml, string at, params string[] extra)
    {
        PrometheusRequirement.EnsureAvailable();
        return CliProcess.RunAsync([
            "analyze",
            "-f",
            CliProcess.TempFile(yaml),
            "--prometheus",
            prometheus.Server!.Url.ToString(),
            "--at",
            at,
            .. extra,
        ]);
    }

    [Fact]
    public async Task A_bare_command_prints_its_usage_once()
    {
        var r = await CliProcess.RunAsync();
        Assert.Equal(1, r.ExitCode);
        Assert.Single(Regex.Matches(r.Stdout + r.Stderr, "Usage:"));
        Assert.Single(Regex.Matches(r.Stdout + r.Stderr, "Required command was not provided"));
    }

    [Fact]
    public async Task Ok_exits_zero_and_prints_the_status_as_json()
    {
        var r = await Analyze(BackfilledPrometheus.ReleaseYaml("good"), "-o", "json");
        Assert.Equal(0, r.ExitCode);
        using var json = JsonDocument.Parse(r.Stdout);
        var status = json.RootElement;
        Assert.Equal("OK", status.GetProperty("verdict").GetString());
        Assert.InRange(status.GetProperty("riskScore").GetInt32(), 0, 24);
        Assert.True(status.GetProperty("reasons").GetArrayLength() > 0);
        Assert.True(status.GetProperty("current").GetProperty("errorRate").GetDouble() > 0);
        Assert.True(status.GetProperty("baseline").GetProperty("latencyP95").GetDouble() > 0);
        Assert.Equal(28, status.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Yaml_output_is_the_json_status_as_yaml()
    {
        var json = await Analyze(BackfilledPrometheus.ReleaseYaml("errors"), "-o", "json");
        var yaml = await Analyze(BackfilledPrometheus.ReleaseYaml("errors"), "-o", "yaml");
        Assert.Equal(2, yaml.ExitCode);
        Assert.StartsWith("phase: Completed\n", yaml.Stdout);
        Assert.Contains($"verdict: {StatusWire.Word(Verdict.Risky)}\n", yaml.Stdout);
        Assert.True(
            System.Text.Json.Nodes.JsonNode.DeepEquals(
                System.Text.Json.Nodes.JsonNode.Parse(json.Stdout),
                ReleaseRadar.Api.Manifests.YamlJson.Parse(yaml.Stdout)
            ),
            yaml.Stdout
        );
    }

    [Fact]
    public async Task Riesgoso_exits_two_and_the_text_output_shows_reasons_and_timeline()
    {
        var r = await Analyze(BackfilledPrometheus.ReleaseYaml("errors"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"verdict: {StatusWire.Word(Verdict.Risky)}", r.Stdout);
        Assert.Contains("5xx rate up", r.Stdout);
        Assert.Contains("timeline:", r.Stdout);
    }

    [Fact]
    public async Task Not_enough_data_exits_three()
    {
        Assert.Equal(3, (await Analyze(BackfilledPrometheus.ReleaseYaml("trickle"))).ExitCode);
    }

    [Fact]
    public async Task A_selector_typo_exits_five_naming_the_query_and_the_values_that_exist()
    {
        var r = await Analyze(BackfilledPrometheus.ReleaseYaml("errros"));
        Assert.True(r.ExitCode == 5, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Equal("", r.Stdout);
        Assert.Contains("No series matched spec.selector between", r.Stderr);
        Assert.Contains("(increase(http_requests_total{scenario=\"errros\",service=\"checkout\"}", r.Stderr);
        // The label values Prometheus has for the metric, so the typo reads as one.
        Assert.Contains("scenario=\"errros\" is not among the values http_requests_total carries: ", r.Stderr);
        Assert.Contains("\"errors\"", r.Stderr);
        Assert.DoesNotContain("service=\"checkout\" is not among", r.Stderr);
    }

    [Fact]
    public async Task A_time_with_no_samples_at_all_exits_five_and_at_takes_a_duration_ago()
    {
        // The backfilled history is from March; five minutes ago there is none.
        var r = await AnalyzeAt(BackfilledPrometheus.ReleaseYaml("good"), "5m", "--deployed-at", "40m");
        Assert.True(r.ExitCode == 5, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains("No series matched spec.selector between", r.Stderr);
        Assert.Contains("no http_requests_total series in that range carries the label scenario", r.Stderr);
    }

    [Fact]
    public async Task At_in_the_future_is_refused_as_a_usage_error()
    {
        var r = await CliProcess.RunAsync(
            "analyze",
            "-f",
            CliProcess.TempFile(BackfilledPrometheus.ReleaseYaml("good")),
            "--prometheus",
            "http://127.0.0.1:1",
            "--at",
            DateTimeOffset.UtcNow.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)
        );
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("in the future; Prometheus has no samples there yet", r.Stderr);
    }

    [Fact]
    public async Task No_verdict_yet_exits_four()
    {
        var r = await AnalyzeAt(BackfilledPrometheus.ReleaseYaml("good"), BackfilledPrometheus.Deploy.AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ssZ"));
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("phase:   WarmingUp", r.Stdout);
    }

    [Fact]
    public async Task An_invalid_spec_exits_one_naming_the_field()
    {
        var r = await Analyze(BackfilledPrometheus.ReleaseYaml("good", "  analysis:\n    window: half an hour\n"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("invalid spec: spec.analysis.window: 'half an hour' is not a duration", r.Stderr);
    }

    [Fact]
    public async Task Malformed_yaml_exits_one_with_the_line()
    {
        var r = await Analyze("apiVersion: releaseradar.io/v1alpha1\nkind: Release\nmetadata:\n  name: x\nspec:\n  selector: {service: [\n");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not valid YAML at line", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace for bad input
    }

    [Fact]
    public async Task An_unreachable_prometheus_exits_one_and_says_where()
    {
        var r = await CliProcess.RunAsync(
            "analyze",
            "-f",
            CliProcess.TempFile(BackfilledPrometheus.ReleaseYaml("good")),
            "--prometheus",
            "http://127.0.0.1:1",
            "--prometheus-retries",
            "0",
            "--at",
            At
        );
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Cannot reach Prometheus at http://127.0.0.1:1/", r.Stderr);
    }

    [Fact]
    public async Task A_missing_prometheus_url_is_a_usage_error()
    {
        var r = await CliProcess.RunAsync("analyze", "-f", CliProcess.TempFile(BackfilledPrometheus.ReleaseYaml("good")));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--prometheus is required", r.Stderr);
    }

    [Fact]
    public async Task Global_defaults_apply_unless_the_release_says_otherwise()
    {
        var defaults = CliProcess.TempFile("analysis:\n  minRequests: 1000000000\n");
        var strict = await Analyze(BackfilledPrometheus.ReleaseYaml("good"), "--defaults", defaults, "-o", "json");
        Assert.Equal(3, strict.ExitCode); // a billion requests are required by the defaults: not enough data
        Assert.Contains("minimum 1,000,000,000", strict.Stdout);
        var own = await Analyze(BackfilledPrometheus.ReleaseYaml("good", "  analysis:\n    minRequests: 500\n"), "--defaults", defaults);
        Assert.Equal(0, own.ExitCode); // the Release's own value wins
    }

    [Fact]
    public async Task Mock_exporter_history_writes_openmetrics_that_promtool_loads()
    {
        PrometheusRequirement.EnsureAvailable();
        var scenario = CliProcess.TempFile(
            "seed: 3\nservices:\n  - name: api\n    baseRps: 20\n    timeline:\n      - { at: 0s, version: v1, scenario: good }\n      - { "
                + "at: 10m, version: v2, scenario: error-regression }\n"
        );
        var dir = Directory.CreateTempSubdirectory("rr-om-").FullName;
        try
        {
            var om = Path.Combine(dir, "history.om");
            // The option after the subcommand, as the README writes it.
            var r = await CliProcess.RunAsync(
                "mock-exporter",
                "history",
                "--scenario-file",
                scenario,
                "--start",
                "2026-02-01T00:00:00Z",
                "--duration",
                "20m",
                "-o",
                om
            );
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.EndsWith("# EOF\n", await File.ReadAllTextAsync(om, TestContext.Current.CancellationToken));
            await ReleaseRadar.Simulation.LocalPrometheus.BackfillAsync(om, Path.Combine(dir, "data"), TestContext.Current.CancellationToken);

            var bad = await CliProcess.RunAsync("mock-exporter", "--scenario-file", CliProcess.TempFile("services: []\n"), "history", "-o", om);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("'services' must list at least one service", bad.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
