namespace ReleaseRadar.Simulation;

/// <summary>
/// Incident scenarios for "which release broke it?", generated reproducibly from a seed: 8 to 20 services with a call
/// graph, 5 to 15 Releases over three hours, and one known cause. The ordinary bad days are mixed in: a good release of
/// another service shipped just before the onset, a regression that starts minutes after its deploy, a deploy time
/// declared late, a blip in the symptom's own history, scrapes every 15 seconds.
/// </summary>
public static class IncidentCorpus
{
    public static readonly DateTimeOffset Start = new(2026, 2, 2, 12, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Span = TimeSpan.FromHours(3);
    public static readonly TimeSpan LookBack = TimeSpan.FromHours(2);

    private static readonly string[] Names =
    [
        "gateway",
        "checkout",
        "payments",
        "cart",
        "catalog",
        "search",
        "users",
        "auth",
        "inventory",
        "shipping",
        "pricing",
        "reviews",
        "recommendations",
        "notifications",
        "orders",
        "ledger",
        "fraud",
        "media",
        "profile",
        "tax",
        "coupons",
        "wishlist",
        "ratings",
        "billing",
    ];

    public static readonly IReadOnlyList<IncidentCause> Causes = Enum.GetValues<IncidentCause>();

    /// <summary><paramref name="perCause"/> scenarios of each cause; the same seed gives the same corpus.</summary>
    /// <remarks>Seeds are combined arithmetically: <see cref="HashCode"/> is salted per process.</remarks>
    public static IReadOnlyList<IncidentScenario> Generate(int seed, int perCause) =>
        [
            .. Causes.SelectMany(
                (cause, c) => Enumerable.Range(0, perCause).Select(i => One($"i{c}{i:000}", cause, new Random(unchecked(seed * 7919 + c * 1009 + i))))
            ),
        ];

    /// <summary>
    /// Three hours of every scenario as a Prometheus scraping each every 15 seconds would have stored it, each at its own
    /// offset in the interval, as a real server spreads its targets.
    /// </summary>
    public static OpenMetricsHistoryWriter History(IEnumerable<IncidentScenario> scenarios)
    {
        var writer = new OpenMetricsHistoryWriter();
        foreach (var s in scenarios)
            writer.Simulate(
                new ScenarioRunner(s.File, Start),
                Start + TimeSpan.FromMilliseconds(1000 + (uint)s.File.Seed % 13000),
                Start + Span,
                TimeSpan.FromSeconds(15)
            );
        return writer;
    }

    private static IncidentScenario One(string id, IncidentCause cause, Random r)
    {
        var names = Names.OrderBy(_ => r.Next()).Take(r.Next(8, 21)).ToList();
        var services = names
            .Select(name => new ServiceEntry
            {
                Name = name,
                BaseRps = 5 * Math.Pow(16, r.NextDouble()),
                ServerErrorRate = 0.001 + 0.004 * r.NextDouble(),
                ClientErrorRate = 0.002 + 0.006 * r.NextDouble(),
                LatencyMedian = 0.03 + 0.15 * r.NextDouble(),
                TrafficNoise = 0.05 + 0.07 * r.NextDouble(),
                ErrorNoise = 0.1 + 0.15 * r.NextDouble(),
                Timeline = [new DeploymentEntry { At = "0s", Version = "v1" }],
            })
            .ToList();
        // A layered call graph: each service calls up to two of those after it, so there are no cycles.
        for (var i = 0; i < services.Count - 1; i++)
            foreach (var j in Enumerable.Range(i + 1, services.Count - i - 1).OrderBy(_ => r.Next()).Take(r.Next(0, 3)))
                services[i].Calls.Add(names[j]);
        if (!services.Any(s => s.Calls.Count > 0))
            services[0].Calls.Add(names[1]);

        var file = new ScenarioFile
        {
            Seed = r.Next(),
            Services = services,
            Labels = new() { ["scenario"] = id },
        };
        var releases = new List<(ServiceEntry Service, TimeSpan At, string Scenario, double Severity, TimeSpan? Onset, TimeSpan Late)>();
        void Ship(
            ServiceEntry s,
            TimeSpan at,
            string scenario = Scenarios.Good,
            double severity = 1,
            TimeSpan? onset = null,
            TimeSpan late = default
        ) => releases.Add((s, at, scenario, severity, onset, late));

        // The moment the cause begins (a deploy, or an incident), and how long after it the symptom is looked at.
        var t = Minutes(r, 70, 145);
        var lateOnset =
            cause is IncidentCause.BadRelease or IncidentCause.BadDependencyRelease && r.NextDouble() < 0.25 ? Minutes(r, 4, 12) : TimeSpan.Zero;
        var onset = t + lateOnset;
        var at = onset + Minutes(r, 10, 35);
        var description = "";
        ServiceEntry symptom;
        string metric;
        string? culprit = null;
        ServiceEntry? spared = null;
        switch (cause)
        {
            case IncidentCause.BadRelease or IncidentCause.BadDependencyRelease:
            {
                var latency = r.NextDouble() < 0.3;
                metric =
                    latency ? "p95"
                    : r.NextDouble() < 0.2 ? "errors"
                    : "5xx";
                var severity = latency ? 0.6 + 0.9 * r.NextDouble() : 0.5 + r.NextDouble();
                ServiceEntry guilty;
                if (cause == IncidentCause.BadRelease)
                    guilty = symptom = services[r.Next(services.Count)];
                else
                {
                    var callers = services.Where(s => s.Calls.Count > 0).ToList();
                    symptom = callers[r.Next(callers.Count)];
                    var callee = symptom.Calls[r.Next(symptom.Calls.Count)];
                    guilty = services.Single(s => s.Name == callee);
                }
                spared = guilty;
                // A deploy time declared a little late: a hook that ran after the rollout, a clock off by minutes.
                var late = r.NextDouble() < 0.15 ? Minutes(r, 0.5, 3) : TimeSpan.Zero;
                var scenario = latency ? Scenarios.LatencyRegression : Scenarios.ErrorRegression;
                Ship(guilty, t, scenario, severity, lateOnset > TimeSpan.Zero ? lateOnset : null, late);
                description =
                    $"{guilty.Name} shipped {scenario} (severity {severity:0.00}) at +{t.TotalMinutes:0}m"
                    + (lateOnset > TimeSpan.Zero ? $", acting {lateOnset.TotalMinutes:0.#}m later" : "")
                    + (late > TimeSpan.Zero ? $", its deploy declared {late.TotalSeconds:0}s late" : "")
                    + (guilty == symptom ? "" : $"; {symptom.Name} calls it");
                break;
            }
            case IncidentCause.ExternalSurge:
            {
                var hit = r.NextDouble() < 0.6 ? services : [.. services.Where(_ => r.NextDouble() < 0.85)];
                if (hit.Count < 3)
                    hit = services;
                var severity = 0.6 + 0.9 * r.NextDouble();
                file.Incidents.Add(Incident(Scenarios.TrafficSpike, t, at, severity, hit, services));
                symptom = hit[r.Next(hit.Count)];
                metric = r.NextDouble() < 0.7 ? "5xx" : "throughput";
                description = $"outside traffic ×{1 + 2 * severity:0.0} on {hit.Count} of {services.Count} services at +{t.TotalMinutes:0}m";
                break;
            }
            case IncidentCause.SharedInfrastructure:
            {
                var share = 0.3 + 0.5 * r.NextDouble();
                var hit = services.Where(_ => r.NextDouble() < share).ToList();
                foreach (var s in services.Where(s => !hit.Contains(s)).OrderBy(_ => r.Next()).Take(Math.Max(0, 3 - hit.Count)).ToList())
                    hit.Add(s);
                var slow = r.NextDouble() < 0.4;
                var severity = slow ? 0.4 + 0.6 * r.NextDouble() : 0.1 + 0.3 * r.NextDouble();
                file.Incidents.Add(Incident(slow ? Scenarios.Slowdown : Scenarios.ErrorBurst, t, at, severity, hit, services));
                symptom = hit[r.Next(hit.Count)];
                metric = slow ? "p95" : "5xx";
                description =
                    $"{(slow ? "a slowdown" : "an error burst")} (severity {severity:0.00}) on {hit.Count} of {services.Count} services "
                    + $"sharing a dependency at +{t.TotalMinutes:0}m";
                break;
            }
            default:
            {
                symptom = services[r.Next(services.Count)];
                metric = new[] { "5xx", "errors", "p95", "throughput" }[r.Next(4)];
                description = "nothing happened";
                break;
            }
        }

        // A blip in the symptom's own history an hour before: a change point must not be dated there.
        if (r.NextDouble() < 0.25)
        {
            var blipAt = t - Minutes(r, 30, 60);
            file.Incidents.Add(
                Incident(metric == "p95" ? Scenarios.Slowdown : Scenarios.ErrorBurst, blipAt, blipAt + Minutes(r, 2, 4), 0.3, [symptom], services)
            );
            description += $"; a blip on {symptom.Name} at +{blipAt.TotalMinutes:0}m";
        }
        // The trap the usual heuristic falls into: a good release of another service shipped just before the onset.
        if (r.NextDouble() < 0.5)
        {
            var others = services.Where(s => s != spared && s != symptom).ToList();
            var decoy = others[r.Next(others.Count)];
            var decoyAt = onset - Minutes(r, 0.5, 6);
            Ship(decoy, decoyAt);
            description += $"; a good {decoy.Name} release at +{decoyAt.TotalMinutes:0.#}m";
        }
        // The ordinary traffic of deploys: good releases of random services over the three hours.
        var count = r.Next(5, 16);
        while (releases.Count < count)
        {
            var s = services[r.Next(services.Count)];
            var when = Minutes(r, 5, Span.TotalMinutes - 5);
            // Nothing else ships on the guilty service between its bad release and the symptom: that would undo it.
            if (spared is null || s != spared || when < t - TimeSpan.FromMinutes(5))
                Ship(s, when);
        }

        var manifests = new List<IncidentRelease>();
        foreach (var group in releases.GroupBy(x => x.Service))
        {
            var version = 2;
            foreach (var x in group.OrderBy(x => x.At))
            {
                var v = $"v{version++}";
                group.Key.Timeline.Add(
                    new DeploymentEntry
                    {
                        At = $"{x.At.TotalSeconds:0}s",
                        Version = v,
                        Scenario = x.Scenario,
                        Severity = x.Severity,
                        Onset = x.Onset is { } o ? $"{o.TotalSeconds:0}s" : null,
                    }
                );
                if (x.Scenario != Scenarios.Good)
                    culprit = $"{id}/{group.Key.Name}-{v}";
                manifests.Add(new IncidentRelease($"{group.Key.Name}-{v}", group.Key.Name, v, Start + x.At + x.Late, [.. group.Key.Calls]));
            }
        }
        return new IncidentScenario(
            id,
            cause,
            file,
            [.. manifests.OrderBy(m => m.DeployedAt)],
            symptom.Name,
            metric,
            Start + at,
            LookBack,
            culprit,
            cause == IncidentCause.NoIncident ? null : Start + onset,
            description
        );
    }

    private static IncidentEntry Incident(
        string effect,
        TimeSpan from,
        TimeSpan to,
        double severity,
        List<ServiceEntry> hit,
        List<ServiceEntry> all
    ) =>
        new()
        {
            At = $"{from.TotalSeconds:0}s",
            Duration = $"{(to - from).TotalSeconds + 600:0}s",
            Effect = effect,
            Severity = severity,
            Services = hit.Count == all.Count ? [] : [.. hit.Select(s => s.Name)],
        };

    private static TimeSpan Minutes(Random r, double from, double to) => TimeSpan.FromSeconds(Math.Round((from + (to - from) * r.NextDouble()) * 60));
}
