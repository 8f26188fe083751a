namespace ReleaseRadar.Simulation;

/// <summary>
/// Plays a scenario file against a clock: applies each service's deployments and the shared incidents as their offsets
/// pass, and lets a caller switch versions or start incidents at run time. Thread-safe; ticks are serialised.
/// </summary>
public sealed class ScenarioRunner
{
    public static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2.5, 5, 10];

    private readonly object _gate = new();
    private readonly ScenarioFile _file;
    private readonly DateTimeOffset _start;
    private readonly Dictionary<string, ServiceSimulator> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _applied = new(StringComparer.Ordinal);
    private readonly List<(DateTimeOffset From, DateTimeOffset To, string Effect, double Severity, HashSet<string> Services)> _incidents = [];

    public ScenarioRunner(ScenarioFile file, DateTimeOffset start)
    {
        file.Validate();
        _file = file;
        _start = start;
        var random = new Random(file.Seed);
        foreach (var s in file.Services)
        {
            // Each service gets its own generator, seeded from the file's, so adding a service does not change the others' traffic.
            _services[s.Name] = new ServiceSimulator(s.ToProfile(), new Random(random.Next()));
            _applied[s.Name] = 0;
        }
        foreach (var i in file.Incidents)
        {
            var from = start + ScenarioFile.Offset(i.At, "incidents.at");
            _incidents.Add((from, from + ScenarioFile.Offset(i.Duration, "incidents.duration"), i.Effect, i.Severity, [.. i.Services]));
        }
    }

    public IReadOnlyDictionary<string, string> Labels => _file.Labels;

    public string StatusLabel => _file.StatusLabel;

    /// <summary>
    /// The share of a called service's version effect its caller feels: most of a callee's failures fail the request that
    /// needed it, and its slowness adds to the caller's; some are retried or served degraded.
    /// </summary>
    public const double CallPropagation = 0.8;

    public void Tick(DateTimeOffset now, TimeSpan dt, ITrafficSink sink)
    {
        lock (_gate)
        {
            // Every deployment due is applied first, so a caller feels a callee's new version at the same tick.
            foreach (var entry in _file.Services)
            {
                var sim = _services[entry.Name];
                var applied = _applied[entry.Name];
                while (applied < entry.Timeline.Count && _start + ScenarioFile.Offset(entry.Timeline[applied].At, "at") <= now)
                {
                    var d = entry.Timeline[applied];
                    sim.Deploy(
                        d.Version,
                        d.Scenario,
                        _start + ScenarioFile.Offset(d.At, "at"),
                        d.Severity,
                        d.Ramp is null ? null : ScenarioFile.Offset(d.Ramp, "ramp"),
                        d.Onset is null ? null : ScenarioFile.Offset(d.Onset, "onset")
                    );
                    applied++;
                }
                _applied[entry.Name] = applied;
            }
            foreach (var entry in _file.Services)
            {
                var incident = Effect.None;
                foreach (var i in _incidents)
                    if (now >= i.From && now < i.To && (i.Services.Count == 0 || i.Services.Contains(entry.Name)))
                        incident = incident.Combine(Scenarios.ForIncident(i.Effect, i.Severity));
                foreach (var callee in entry.Calls)
                {
                    var felt = _services[callee].VersionEffect(now);
                    incident = incident.Combine(
                        new Effect(ServerErrorAdd: CallPropagation * felt.ServerErrorAdd, Latency: 1 + CallPropagation * (felt.Latency - 1))
                    );
                }
                var served = _services[entry.Name].Tick(now, dt, incident, sink);
                // Each request calls each of its callees once, as the mesh between them counts it.
                foreach (var callee in entry.Calls)
                    if (served > 0)
                        sink.Calls(_services[entry.Name].Profile.Name, _services[callee].Profile.Name, served);
            }
        }
    }

    /// <summary>Deploys a version of a service now (the runtime switch behind POST /scenario).</summary>
    public void Deploy(string service, string version, string scenario, DateTimeOffset now, double severity = 1)
    {
        lock (_gate)
        {
            if (!_services.TryGetValue(service, out var sim))
                throw new ArgumentException($"unknown service '{service}' (known: {string.Join(", ", _services.Keys)})");
            sim.Deploy(version, scenario, now, severity);
            // Scripted deployments already due stay applied; later ones still happen.
            var entry = _file.Services.First(s => s.Name == service);
            var applied = 0;
            while (applied < entry.Timeline.Count && _start + ScenarioFile.Offset(entry.Timeline[applied].At, "at") <= now)
                applied++;
            _applied[service] = applied;
        }
    }

    /// <summary>Starts a shared incident now (the runtime switch behind POST /incident).</summary>
    public void StartIncident(string effect, TimeSpan duration, DateTimeOffset now, double severity = 1, IEnumerable<string>? services = null)
    {
        Scenarios.ForIncident(effect, severity);
        lock (_gate)
            _incidents.Add((now, now + duration, effect, severity, [.. services ?? []]));
    }

    public IReadOnlyList<ServiceState> Snapshot(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _services
                .Values.Select(s => new ServiceState(
                    s.Profile.Name,
                    s.Version,
                    s.Scenario,
                    s.DeployedAt,
                    _incidents
                        .Where(i => now >= i.From && now < i.To && (i.Services.Count == 0 || i.Services.Contains(s.Profile.Name)))
                        .Select(i => i.Effect)
                        .ToList()
                ))
                .ToList();
        }
    }
}
