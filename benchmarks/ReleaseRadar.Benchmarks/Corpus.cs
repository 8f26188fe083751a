using ReleaseRadar.Simulation;

namespace ReleaseRadar.Benchmarks;

/// <summary>One labelled scenario: what happened, whether it is a regression, and how to build its Release.</summary>
/// <param name="Onset">For a regression, how long after the deploy it starts to act.</param>
public sealed record Scenario(
    string Id,
    string Category,
    bool IsRegression,
    bool InsufficientDataAcceptable,
    bool UsesControl,
    ScenarioFile File,
    string Description,
    TimeSpan Onset = default
)
{
    /// <summary>How much later than the real rollout the Release's deployedAt says it shipped (a hook that ran late, clock skew).</summary>
    public TimeSpan DeployedLate { get; init; }

    /// <summary>The Release's own baseline and analysis timings, as spec YAML lines; null keeps the defaults.</summary>
    public string? Timings { get; init; }

    /// <summary>The analysis window the timings give: the replay ends this long after the declared deploy.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The warm-up the timings give: nothing is judged before it ends.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A canary: v2 takes this share of checkout's traffic at the deploy while v1 keeps the rest, and the Release compares
    /// the two populations over the same window (baseline.selector on version v1). Null: a before/after release.
    /// </summary>
    public double? CanaryShare { get; init; }

    /// <summary>The data cannot be judged as it is (a wrong label): refusing it is right, and any verdict but OK is accepted.</summary>
    public bool RefusalExpected { get; init; }

    /// <summary>
    /// Where in each 15-second interval Prometheus scrapes this scenario's exporter: a real server spreads its targets over
    /// the interval, so samples never sit on the step grid the queries use. 1 to 14 seconds, fixed per scenario.
    /// </summary>
    public TimeSpan ScrapeOffset => TimeSpan.FromMilliseconds(1000 + (uint)File.Seed % 13000);

    /// <summary>When the Release's declared deploy is.</summary>
    public DateTimeOffset DeclaredDeploy => Corpus.Deploy + DeployedLate;
}

/// <summary>
/// The labelled corpus, generated reproducibly from one seed: each scenario has a baseline hour of v1, then v2 deployed
/// and analysed for 30 minutes. catalog is an unchanged neighbour, used as the control where the category says so.
/// </summary>
public static class Corpus
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan DeployOffset = TimeSpan.FromMinutes(60);
    public static readonly DateTimeOffset Deploy = Start + DeployOffset;
    public static readonly TimeSpan Span = TimeSpan.FromMinutes(105);

    /// <summary>The quick start's timings (config/samples/quickstart/release.yaml), on the corpus' 15-second scrapes.</summary>
    public const string QuickStartTimings = """
          baseline:
            window: 90s
          analysis:
            window: 5m
            interval: 15s
            step: 15s
            warmup: 15s
        """;

    public static IReadOnlyList<Scenario> Generate(int seed = 20261123)
    {
        var random = new Random(seed);
        var list = new List<Scenario>();
        var n = 0;
        double Between(double a, double b) => a + random.NextDouble() * (b - a);

        Scenario Make(
            string category,
            bool regression,
            string scenario,
            double severity = 1,
            string? ramp = null,
            ServiceEntry? shape = null,
            IncidentEntry? incident = null,
            bool control = false,
            string statusLabel = "code",
            bool insufficientOk = false,
            string? note = null,
            int onsetMinutes = 0
        )
        {
            n++;
            var service = shape ?? new ServiceEntry();
            service.Name = "checkout";
            service.Timeline =
            [
                new DeploymentEntry { At = "0s", Version = "v1" },
                new DeploymentEntry
                {
                    At = "60m",
                    Version = "v2",
                    Scenario = scenario,
                    Severity = severity,
                    Ramp = ramp,
                    Onset = onsetMinutes > 0 ? $"{onsetMinutes}m" : null,
                },
            ];
            var file = new ScenarioFile
            {
                Seed = random.Next(),
                Labels = new() { ["scenario"] = $"s{n:000}" },
                Services =
                [
                    service,
                    new ServiceEntry
                    {
                        Name = "catalog",
                        BaseRps = Math.Round(Between(30, 120)),
                        Timeline = [new DeploymentEntry { At = "0s", Version = "v9" }],
                    },
                ],
                Incidents = incident is null ? [] : [incident],
                StatusLabel = statusLabel,
            };
            var description = note ?? $"{scenario} severity {severity:0.##}";
            return new Scenario($"s{n:000}", category, regression, insufficientOk, control, file, description, TimeSpan.FromMinutes(onsetMinutes));
        }

        ServiceEntry Shape(
            double? rps = null,
            double? errorNoise = null,
            double? trafficNoise = null,
            double? serverErrors = null,
            double? clientErrors = null
        ) =>
            new()
            {
                // Rates under a few requests a second keep their decimals: rounded to a whole number, "under 1 req/s" could be none at all.
                BaseRps = rps is { } r ? Math.Round(r, 1) : Math.Round(Between(20, 200)),
                ServerErrorRate = Math.Round(serverErrors ?? Between(0.001, 0.004), 4),
                ClientErrorRate = Math.Round(clientErrors ?? Between(0.001, 0.006), 4),
                LatencyMedian = Math.Round(Between(0.04, 0.2), 3),
                LatencySigma = Math.Round(Between(0.35, 0.6), 2),
                ErrorNoise = errorNoise ?? 0.15,
                TrafficNoise = trafficNoise ?? 0.08,
            };

        for (var i = 0; i < 10; i++)
            list.Add(Make("good", false, Scenarios.Good, shape: Shape()));
        for (var i = 0; i < 8; i++)
            list.Add(
                Make(
                    "noisy-baseline",
                    false,
                    Scenarios.Good,
                    shape: Shape(errorNoise: Between(0.5, 0.8), trafficNoise: Between(0.2, 0.35)),
                    note: "good, noisy error ratios and traffic"
                )
            );
        for (var i = 0; i < 6; i++)
        {
            var s = Shape();
            s.DiurnalAmplitude = Between(0.3, 0.6);
            s.DiurnalPeriod = "6h";
            s.TrendPerHour = Between(-0.2, 0.3);
            list.Add(Make("diurnal", false, Scenarios.Good, shape: s, note: "good, strong daily cycle and trend"));
        }
        for (var i = 0; i < 6; i++)
        {
            var sev = Between(0.6, 1.5);
            list.Add(
                Make(
                    "traffic-spike",
                    false,
                    Scenarios.Good,
                    shape: Shape(),
                    control: true,
                    incident: new IncidentEntry
                    {
                        At = $"{(int)Between(62, 75)}m",
                        Duration = "40m",
                        Effect = Scenarios.TrafficSpike,
                        Severity = sev,
                    },
                    note: $"good; an outside spike (x{1 + 2 * sev:0.0} load, shared dependency errors and latency) hits every service; control given"
                )
            );
        }
        for (var i = 0; i < 4; i++)
            list.Add(
                Make(
                    "traffic-surge",
                    false,
                    Scenarios.Good,
                    shape: Shape(),
                    incident: new IncidentEntry
                    {
                        At = $"{(int)Between(62, 75)}m",
                        Duration = "40m",
                        Effect = Scenarios.TrafficSurge,
                        Severity = Between(0.5, 1.5),
                    },
                    note: "good; load doubles to triples with no harm; no control"
                )
            );
        foreach (var sev in new[] { 0.3, 0.3, 0.5, 0.5, 0.75, 0.75, 1.0, 1.0, 1.5, 1.5, 2.0, 2.0 })
            list.Add(
                Make(
                    "error-regression",
                    true,
                    Scenarios.ErrorRegression,
                    sev,
                    shape: Shape(),
                    control: random.NextDouble() < 0.5,
                    note: $"5xx +{2.8 * sev:0.0#} pp"
                )
            );
        for (var i = 0; i < 4; i++)
            list.Add(
                Make(
                    "error-regression-noisy",
                    true,
                    Scenarios.ErrorRegression,
                    Between(0.5, 1.0),
                    shape: Shape(errorNoise: Between(0.5, 0.8), trafficNoise: 0.25),
                    note: "5xx regression over a noisy baseline"
                )
            );
        foreach (var sev in new[] { 0.4, 0.4, 0.6, 0.6, 1.0, 1.0, 1.5, 1.5 })
            list.Add(
                Make(
                    "latency-regression",
                    true,
                    Scenarios.LatencyRegression,
                    sev,
                    shape: Shape(),
                    control: random.NextDouble() < 0.5,
                    note: $"latency x{1 + 0.6 * sev:0.##}"
                )
            );
        for (var i = 0; i < 6; i++)
            list.Add(
                Make(
                    "slow-degradation",
                    true,
                    Scenarios.SlowDegradation,
                    Between(0.6, 1.5),
                    ramp: $"{(int)Between(10, 25)}m",
                    shape: Shape(),
                    note: "errors and latency ramp up over 10-25 minutes"
                )
            );
        for (var i = 0; i < 2; i++)
        {
            var s = Shape();
            s.DiurnalAmplitude = 0.5;
            s.DiurnalPeriod = "6h";
            s.TrendPerHour = 0.2;
            list.Add(Make("diurnal-regression", true, Scenarios.ErrorRegression, 1.0, shape: s, note: "5xx regression on a strong daily cycle"));
        }
        for (var i = 0; i < 4; i++)
            list.Add(
                Make("low-traffic", false, Scenarios.Good, shape: Shape(rps: Between(0.2, 1.0)), insufficientOk: true, note: "good, under 1 req/s")
            );
        for (var i = 0; i < 2; i++)
            list.Add(
                Make(
                    "low-traffic-regression",
                    true,
                    Scenarios.ErrorRegression,
                    1.0,
                    shape: Shape(rps: Between(0.2, 1.0)),
                    insufficientOk: true,
                    note: "5xx regression under 1 req/s"
                )
            );
        for (var i = 0; i < 2; i++)
            list.Add(
                Make(
                    "missing-data",
                    false,
                    Scenarios.Good,
                    shape: Shape(),
                    insufficientOk: true,
                    incident: new IncidentEntry
                    {
                        At = "61m",
                        Duration = "60m",
                        Effect = Scenarios.Outage,
                        Services = ["checkout"],
                    },
                    note: "the series vanish after the deploy"
                )
            );
        for (var i = 0; i < 2; i++)
            list.Add(
                Make(
                    "missing-data",
                    true,
                    Scenarios.ErrorRegression,
                    1.0,
                    shape: Shape(),
                    insufficientOk: true,
                    incident: new IncidentEntry
                    {
                        At = "70m",
                        Duration = "60m",
                        Effect = Scenarios.Outage,
                        Services = ["checkout"],
                    },
                    note: "regression, then the series vanish 10 minutes in"
                )
            );
        for (var i = 0; i < 2; i++)
            list.Add(
                Make(
                    "partial-gaps",
                    false,
                    Scenarios.Good,
                    shape: Shape(),
                    incident: new IncidentEntry
                    {
                        At = $"{(int)Between(65, 80)}m",
                        Duration = "8m",
                        Effect = Scenarios.Outage,
                        Services = ["checkout"],
                    },
                    note: "good, 8 minutes of missing scrapes"
                )
            );

        // Round 2: the regressions an SRE fears most, and the healthy cases most likely to be called risky by mistake.
        for (var i = 0; i < 6; i++)
        {
            var server = Between(0.0003, 0.0007);
            var added = Between(0.0022, 0.0035);
            list.Add(
                Make(
                    "quiet-error-regression",
                    true,
                    Scenarios.ErrorRegression,
                    added / 0.028,
                    shape: Shape(rps: Between(30, 90), serverErrors: server, clientErrors: Between(0.0003, 0.001)),
                    control: i % 2 == 0,
                    note: $"quiet service: 5xx {server * 100:0.00}% → {(server + added) * 100:0.00}%"
                )
            );
        }
        for (var i = 0; i < 6; i++)
        {
            var sev = Between(0.85, 1.3);
            list.Add(
                Make(
                    "traffic-loss",
                    true,
                    Scenarios.TrafficLoss,
                    sev,
                    shape: Shape(),
                    control: true,
                    note: $"loses {Math.Min(98, 70 * sev):0}% of its traffic (broken routing); the control is flat"
                )
            );
        }
        for (var i = 0; i < 6; i++)
        {
            var onset = (int)Between(12, 23);
            list.Add(
                Make(
                    "late-error-regression",
                    true,
                    Scenarios.ErrorRegression,
                    Between(0.5, 1.2),
                    shape: Shape(),
                    control: i % 2 == 0,
                    onsetMinutes: onset,
                    note: $"5xx regression from {onset}m after the deploy"
                )
            );
        }
        for (var i = 0; i < 6; i++)
        {
            var onset = (int)Between(12, 23);
            var sev = Between(0.6, 1.5);
            list.Add(
                Make(
                    "late-latency-regression",
                    true,
                    Scenarios.LatencyRegression,
                    sev,
                    shape: Shape(),
                    control: i % 2 == 0,
                    onsetMinutes: onset,
                    note: $"latency x{1 + 0.6 * sev:0.##} from {onset}m after the deploy"
                )
            );
        }
        for (var i = 0; i < 6; i++)
        {
            var sev = Between(0.75, 2.0);
            list.Add(
                Make(
                    "tail-latency-regression",
                    true,
                    Scenarios.TailLatencyRegression,
                    sev,
                    shape: Shape(),
                    control: i % 2 == 0,
                    note: $"slow path {1 + 4 * sev:0.#}x as common (P99 only)"
                )
            );
        }
        for (var i = 0; i < 6; i++)
        {
            var sev = Between(0.6, 1.5);
            list.Add(
                Make(
                    "early-shared-incident",
                    false,
                    Scenarios.Good,
                    shape: Shape(),
                    control: true,
                    incident: new IncidentEntry
                    {
                        At = $"{(int)Between(60, 64)}m",
                        Duration = $"{(int)Between(2, 7)}m",
                        Effect = Scenarios.TrafficSpike,
                        Severity = sev,
                    },
                    note: $"good; a shared incident (x{1 + 2 * sev:0.0} load, dependency errors and latency) in the first minutes after the "
                        + $"deploy; control given"
                )
            );
        }
        for (var i = 0; i < 6; i++)
            list.Add(
                Make(
                    "noisy-low-traffic",
                    false,
                    Scenarios.Good,
                    shape: Shape(rps: Between(2, 6), errorNoise: Between(0.6, 0.9), trafficNoise: Between(0.25, 0.4)),
                    insufficientOk: true,
                    note: "good, 2-6 req/s with noisy error ratios and traffic"
                )
            );
        // Round 3: the ordinary bad days. A blip or an incident inside the baseline hour, a deploy time that is minutes late,
        // a status label that is not the configured one, and the quick start's short grid on 15-second scrapes.
        IncidentEntry Blip(string effect, int atMinute, int minutes, double severity) =>
            new()
            {
                At = $"{atMinute}m",
                Duration = $"{minutes}m",
                Effect = effect,
                Severity = Math.Round(severity, 2),
                Services = ["checkout"],
            };
        for (var i = 0; i < 6; i++)
        {
            var latency = i >= 4;
            var minutes = (int)Between(1, 4);
            var at = (int)Between(15, 50);
            var blip = latency ? Blip(Scenarios.Slowdown, at, minutes, Between(1, 2)) : Blip(Scenarios.ErrorBurst, at, minutes, Between(1, 3));
            var sev = latency ? Between(0.6, 1.5) : Between(1, 3.5);
            list.Add(
                Make(
                    "baseline-blip",
                    true,
                    latency ? Scenarios.LatencyRegression : Scenarios.ErrorRegression,
                    sev,
                    shape: Shape(),
                    incident: blip,
                    note: $"{Describe(blip)} {60 - at}m before the deploy, then "
                        + (latency ? $"latency x{1 + 0.6 * sev:0.##}" : $"5xx +{2.8 * sev:0.#} pp")
                        + " for the whole window"
                )
            );
        }
        for (var i = 0; i < 6; i++)
        {
            var latency = i >= 4;
            var minutes = (int)Between(1, 4);
            var at = (int)Between(15, 55);
            var blip = latency ? Blip(Scenarios.Slowdown, at, minutes, Between(1, 2)) : Blip(Scenarios.ErrorBurst, at, minutes, Between(1, 3));
            list.Add(
                Make(
                    "baseline-blip",
                    false,
                    Scenarios.Good,
                    shape: Shape(),
                    incident: blip,
                    note: $"good; {Describe(blip)} {60 - at}m before the deploy"
                )
            );
        }
        for (var i = 0; i < 12; i++)
        {
            var regression = i < 6;
            var latency = i % 3 == 2;
            var minutes = (int)Between(10, 26);
            var at = (int)Between(5, 55 - minutes);
            var incident = latency
                ? Blip(Scenarios.Slowdown, at, minutes, Between(0.5, 1.5))
                : Blip(Scenarios.ErrorBurst, at, minutes, Between(0.3, 1.5));
            var sev = latency ? Between(0.6, 1.5) : Between(0.5, 2);
            var what = latency ? $"latency x{1 + 0.6 * sev:0.##}" : $"5xx +{2.8 * sev:0.#} pp";
            list.Add(
                Make(
                    "baseline-incident",
                    regression,
                    regression ? (latency ? Scenarios.LatencyRegression : Scenarios.ErrorRegression) : Scenarios.Good,
                    regression ? sev : 1,
                    shape: Shape(),
                    incident: incident,
                    control: i % 4 == 0,
                    note: $"{Describe(incident)} ending {60 - at - minutes}m before the deploy; " + (regression ? what : "good")
                )
            );
        }
        foreach (var late in new[] { 3, 5, 10 })
        {
            for (var i = 0; i < 5; i++)
            {
                var regression = i < 3;
                var latency = i == 2;
                var sev = latency ? Between(0.8, 1.5) : Between(0.5, 3.5);
                var what = latency ? $"latency x{1 + 0.6 * sev:0.##}" : $"5xx +{2.8 * sev:0.#} pp";
                list.Add(
                    Make(
                        "late-deploy-time",
                        regression,
                        regression ? (latency ? Scenarios.LatencyRegression : Scenarios.ErrorRegression) : Scenarios.Good,
                        regression ? sev : 1,
                        shape: Shape(),
                        control: i == 1 || i == 4,
                        note: $"deployedAt {late}m after the real rollout; " + (regression ? what : "good")
                    ) with
                    {
                        DeployedLate = TimeSpan.FromMinutes(late),
                    }
                );
            }
        }
        for (var i = 0; i < 4; i++)
        {
            var regression = i < 2;
            list.Add(
                Make(
                    "wrong-status-label",
                    regression,
                    regression ? Scenarios.ErrorRegression : Scenarios.Good,
                    regression ? 3.5 : 1,
                    shape: Shape(),
                    statusLabel: "status_code",
                    note: "the exporter's status label is status_code, the Release expects code; " + (regression ? "5xx +10 pp" : "good")
                ) with
                {
                    RefusalExpected = true,
                }
            );
        }
        for (var i = 0; i < 10; i++)
        {
            var regression = i >= 4;
            var latency = i >= 8;
            var sev = latency ? Between(1, 1.5) : Between(1, 2);
            var what = latency ? $"latency x{1 + 0.6 * sev:0.##}" : $"5xx +{2.8 * sev:0.#} pp";
            list.Add(
                Make(
                    "short-window-15s",
                    regression,
                    regression ? (latency ? Scenarios.LatencyRegression : Scenarios.ErrorRegression) : Scenarios.Good,
                    regression ? sev : 1,
                    shape: Shape(),
                    note: "the quick start's timings (15 s steps, 90 s baseline, 5 m window) on 15 s scrapes; " + (regression ? what : "good")
                ) with
                {
                    Timings = QuickStartTimings,
                    Window = TimeSpan.FromMinutes(5),
                    Warmup = TimeSpan.FromSeconds(15),
                }
            );
        }
        // Canaries at 10–20 % of the traffic against their stable pods over the same window: healthy, a 5xx or a latency
        // regression, and an incident that hits both populations (healthy, or on top of a 5xx regression).
        for (var i = 0; i < 18; i++)
        {
            var kind = i / 4;
            var (category, regression, latency, shared) = kind switch
            {
                0 => ("canary", false, false, false),
                1 => ("canary-error-regression", true, false, false),
                2 => ("canary-latency-regression", true, true, false),
                3 => ("canary-shared-incident", false, false, true),
                _ => ("canary-shared-incident", true, false, true),
            };
            var share = Math.Round(Between(0.1, 0.2), 2);
            var sev = latency ? Between(0.8, 1.5) : Between(0.5, 3.5);
            var what = latency ? $"latency x{1 + 0.6 * sev:0.##}" : $"5xx +{2.8 * sev:0.#} pp";
            var incident = shared
                ? new IncidentEntry
                {
                    At = $"{Math.Round(Between(66, 75))}m",
                    Duration = $"{Math.Round(Between(5, 12))}m",
                    Effect = i % 2 == 0 ? Scenarios.ErrorBurst : Scenarios.TrafficSpike,
                    Severity = Math.Round(Between(0.5, 2), 1),
                    Services = ["checkout-stable", "checkout-canary"],
                }
                : null;
            var total = Math.Round(Between(60, 240));
            var stable = Shape(rps: total * (1 - share));
            var scenario = Make(
                category,
                regression,
                regression ? (latency ? Scenarios.LatencyRegression : Scenarios.ErrorRegression) : Scenarios.Good,
                regression ? sev : 1,
                shape: stable,
                incident: incident,
                note: $"canary at {share:P0} of {total} req/s vs its stable pods"
                    + (incident is null ? "" : $"; {Describe(incident)} hitting both")
                    + "; "
                    + (regression ? what : "good")
            );
            // The stable pods keep v1 and the mean rate; the canary is a copy of their shape, with its share of the traffic.
            var canary = new ServiceEntry
            {
                Name = "checkout-canary",
                ServiceLabel = "checkout",
                BaseRps = Math.Round(total * share, 1),
                ServerErrorRate = stable.ServerErrorRate,
                ClientErrorRate = stable.ClientErrorRate,
                LatencyMedian = stable.LatencyMedian,
                LatencySigma = stable.LatencySigma,
                ErrorNoise = stable.ErrorNoise,
                TrafficNoise = stable.TrafficNoise,
                Timeline = [stable.Timeline[0], stable.Timeline[1]],
            };
            stable.Name = "checkout-stable";
            stable.ServiceLabel = "checkout";
            stable.Timeline = [stable.Timeline[0]];
            scenario.File.Services.Insert(1, canary);
            list.Add(scenario with { CanaryShare = share });
        }
        return list;
    }

    private static string Describe(IncidentEntry i) =>
        i.Effect switch
        {
            Scenarios.ErrorBurst => $"a {i.Duration} 5xx burst of +{10 * i.Severity:0} pp",
            Scenarios.TrafficSpike => $"a {i.Duration} load spike x{1 + 2 * i.Severity:0.#} that overloads a shared dependency",
            _ => $"a {i.Duration} slowdown x{1 + 1.5 * i.Severity:0.#}",
        };
}
