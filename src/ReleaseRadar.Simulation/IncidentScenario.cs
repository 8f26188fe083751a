using System.Text;

namespace ReleaseRadar.Simulation;

/// <summary>
/// One incident: services with their traffic and call graph, the Releases deployed over three hours, the symptom an
/// on-call engineer starts from (a service, a metric in the CLI's words, the time it is seen) and its one known cause.
/// </summary>
/// <param name="Culprit">The guilty Release's key (namespace/name) for a release cause; null otherwise.</param>
/// <param name="TrueOnset">When the cause began to act on the symptom's service; null when nothing happened.</param>
public sealed record IncidentScenario(
    string Id,
    IncidentCause Cause,
    ScenarioFile File,
    IReadOnlyList<IncidentRelease> Releases,
    string SymptomService,
    string Metric,
    DateTimeOffset At,
    TimeSpan Since,
    string? Culprit,
    DateTimeOffset? TrueOnset,
    string Description
)
{
    /// <summary>The Releases' namespace: the scenario's id, so keys stay apart when many scenarios share one Prometheus.</summary>
    public string Namespace => Id;

    /// <summary>Who calls whom, as a mesh's caller and callee labels or `--calls` give it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Calls =>
        File.Services.Where(s => s.Calls.Count > 0).ToDictionary(s => s.Name, s => (IReadOnlyList<string>)[.. s.Calls], StringComparer.Ordinal);

    /// <summary>The Releases as manifests, each selecting its service's series of this scenario; with their spec.dependsOn or without.</summary>
    public string ReleasesYaml(bool dependsOn = true)
    {
        var sb = new StringBuilder();
        foreach (var r in Releases)
        {
            sb.Append($"---\napiVersion: releaseradar.io/v1alpha1\nkind: Release\nmetadata:\n  name: {r.Name}\n  namespace: {Namespace}\n");
            sb.Append($"spec:\n  version: {r.Version}\n  deployedAt: \"{r.DeployedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\"\n");
            sb.Append($"  selector:\n    service: {r.Service}\n    scenario: {Id}\n");
            if (dependsOn && r.DependsOn.Count > 0)
                sb.Append("  dependsOn:\n").AppendJoin("", r.DependsOn.Select(d => $"    - service: {d}\n"));
        }
        return sb.ToString();
    }
}
