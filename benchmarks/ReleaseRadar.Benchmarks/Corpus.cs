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
);

/// <summary>
/// The labelled corpus, generated reproducibly from one seed: each scenario has a baseline hour of v1, then v2 deployed
/// and analysed for 30 minutes. catalog is an unchanged neighbour, used as the control where the category says so.
/// </summary>
public static class Corpus
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan DeployOffset = TimeSpan.FromMinutes(60);
    public static readonly DateTimeOffset Deploy = Start + DeployOffset;
    public static readonly TimeSpan Span = TimeSpan.FromMinutes(95);

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
        return list;
    }
}
