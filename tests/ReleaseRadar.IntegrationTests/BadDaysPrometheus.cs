using System.Globalization;
using System.Text;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// A real Prometheus holding the ordinary bad days: a blip inside the baseline hour, an incident covering most of it, an
/// exporter whose status label is not the configured one, a latency histogram whose buckets are not cumulative, and label
/// values that contain a template placeholder. Two hours of history each, scraped every 15 seconds at an offset of 7
/// seconds (never on the step grid, as a real server's targets are not), with v2 of checkout deployed one hour in.
/// </summary>
public sealed class BadDaysPrometheus() : BackfilledFixture("baddays")
{
    public static readonly DateTimeOffset Start = new(2026, 4, 6, 8, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Deploy = Start.AddHours(1);
    private static readonly TimeSpan ScrapeOffset = TimeSpan.FromSeconds(7);

    protected override string History()
    {
        var writer = new OpenMetricsHistoryWriter();
        // A 3-minute 10 % 5xx blip 40 minutes before the deploy, then v2 at 10 % 5xx for the whole window.
        Add(writer, "blip", Scenarios.ErrorRegression, 3.5, [Burst("20m", "3m", 1)]);
        // A 1-minute blip at 30 %, the same release.
        Add(writer, "blip30", Scenarios.ErrorRegression, 3.5, [Burst("20m", "1m", 3)]);
        // 30 % 5xx from 5 to 52 minutes: most of the baseline. v2 runs at about 8 %, 40 times checkout's usual 0.2 %.
        Add(writer, "incident", Scenarios.ErrorRegression, 2.8, [Burst("5m", "47m", 3)]);
        // The same incident with a healthy v2: the release did nothing, and must not be blamed.
        Add(writer, "incident-good", Scenarios.Good, 1, [Burst("5m", "47m", 3)]);
        // The exporter labels its status code status_code; the Releases expect code. v2 answers 10 % 5xx.
        Add(writer, "labels", Scenarios.ErrorRegression, 3.5, [], statusLabel: "status_code");
        Add(writer, "good", Scenarios.Good, 1, []);
        // A selector value holding a template placeholder, which must stay text.
        Add(writer, "tmpl{{step}}", Scenarios.Good, 1, []);
        var history = Text(writer);
        // A second histogram whose lower bucket holds more than +Inf, as a broken exporter writes it.
        return history[..history.LastIndexOf("# EOF", StringComparison.Ordinal)] + BrokenHistogram() + "# EOF\n";
    }

    private static IncidentEntry Burst(string at, string duration, double severity) =>
        new()
        {
            At = at,
            Duration = duration,
            Effect = Scenarios.ErrorBurst,
            Severity = severity,
            Services = ["checkout"],
        };

    private static void Add(
        OpenMetricsHistoryWriter writer,
        string name,
        string scenario,
        double severity,
        List<IncidentEntry> incidents,
        string statusLabel = "code"
    )
    {
        var file = new ScenarioFile
        {
            Seed = name.Aggregate(17, (h, c) => h * 31 + c),
            Labels = new() { ["scenario"] = name },
            StatusLabel = statusLabel,
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
                            Severity = severity,
                        },
                    ],
                },
            ],
            Incidents = incidents,
        };
        writer.Simulate(new ScenarioRunner(file, Start), Start + ScrapeOffset, Start.AddHours(2), TimeSpan.FromSeconds(15));
    }

    /// <summary>broken_duration_seconds for scenario "buckets": le="0.1" grows by 30 a second, +Inf by 25.</summary>
    private static string BrokenHistogram()
    {
        // Typed unknown: OpenMetrics would refuse a histogram family whose buckets are not cumulative; Prometheus stores the
        // series all the same, as it does when a broken exporter serves the text format.
        var sb = new StringBuilder("# HELP broken_duration_seconds_bucket A histogram whose buckets are not cumulative.\n");
        sb.Append("# TYPE broken_duration_seconds_bucket unknown\n");
        (string Le, int PerSecond)[] buckets = [("0.05", 10), ("0.1", 30), ("0.25", 20), ("+Inf", 25)];
        foreach (var (le, perSecond) in buckets)
            for (var t = Start + ScrapeOffset; t <= Start.AddHours(2); t += TimeSpan.FromSeconds(15))
            {
                var value = (long)(t - Start).TotalSeconds * perSecond;
                sb.Append(CultureInfo.InvariantCulture, $"broken_duration_seconds_bucket{{le=\"{le}\",scenario=\"good\",service=\"checkout\"}} ");
                sb.Append(CultureInfo.InvariantCulture, $"{value} {t.ToUnixTimeSeconds()}\n");
            }
        return sb.ToString();
    }

    public static string ReleaseYaml(string scenario, string extra = "", TimeSpan? late = null) =>
        $"""
            apiVersion: releaseradar.io/v1alpha1
            kind: Release
            metadata:
              name: checkout-bad-day
              namespace: it
            spec:
              version: v2
              deployedAt: "{(Deploy + (late ?? TimeSpan.Zero)):yyyy-MM-ddTHH:mm:ssZ}"
              selector:
                service: checkout
                scenario: "{scenario}"
            {extra}
            """;
}
