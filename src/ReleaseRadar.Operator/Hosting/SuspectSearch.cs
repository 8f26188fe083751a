using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.Suspects;
using ReleaseRadar.Api;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// Which release broke it, for the CLI and the API alike: the Releases deployed in the look-back (planned as the operator
/// plans them, their service from the selector's service label and the services they call from spec.dependsOn), every
/// service's traffic from Prometheus, and <see cref="SuspectRanker"/>.
/// </summary>
public sealed class SuspectSearch(PrometheusClient client, AnalysisDefaults defaults)
{
    public async Task<SuspectsAnswer> FindAsync(IEnumerable<Release> releases, SymptomQuery q, CancellationToken ct)
    {
        var planned = releases
            .Select(r => (Release: r, Plan: ReleasePlanner.Plan(r.Subject, defaults).Plan))
            .Where(x => x.Plan is not null && x.Plan.DeployedAt >= q.At - q.Since && x.Plan.DeployedAt <= q.At)
            .ToList();
        if (planned.Count == 0)
            return new SuspectsAnswer(
                q.Metric,
                null,
                [],
                $"no Release was deployed in the {GoDuration.Format(q.Since)} before {Rfc3339.Format(q.At)}",
                []
            );
        var suspects = planned
            .Where(x => x.Plan!.Selector.ContainsKey(q.ServiceLabel))
            .Select(x => new SuspectRelease(
                x.Release.Key,
                x.Release.Spec.Version,
                x.Plan!.Selector[q.ServiceLabel],
                x.Plan.DeployedAt,
                x.Release.State.Verdict,
                [.. (x.Release.Spec.DependsOn ?? []).Select(d => d.GetValueOrDefault(q.ServiceLabel)).OfType<string>()]
            ))
            .ToList();
        var services = await new ServiceTrafficReader(client)
            .ReadAsync(
                planned[0].Plan!.Metrics,
                q.ServiceLabel,
                q.Scope,
                q.At - q.Since,
                q.At,
                TimeSpan.FromMinutes(1),
                q.Metric is SymptomMetric.LatencyP95 or SymptomMetric.MovedMost,
                ct
            )
            .ConfigureAwait(false);
        // A symptom's service with no series is a typo or the wrong label, not a quiet service: say so, with what exists.
        if (!services.Any(s => s.Service == q.Service))
            throw new Analysis.MetricSourceException(
                Analysis.MetricSourceException.NoSeriesMatched,
                $"no series of {planned[0].Plan!.Metrics.Requests} has {q.ServiceLabel}=\"{q.Service}\""
                    + (q.Scope.Count > 0 ? $" with {string.Join(", ", q.Scope.Select(kv => $"{kv.Key}=\"{kv.Value}\""))}" : "")
                    + $" between {Rfc3339.Format(q.At - q.Since)} and {Rfc3339.Format(q.At)}; "
                    + (
                        services.Count == 0
                            ? $"no series carries {q.ServiceLabel} there at all: check --service-label and the selector"
                            : $"the values {q.ServiceLabel} carries there: {string.Join(", ", services.Take(8).Select(s => $"\"{s.Service}\""))}"
                                + (services.Count > 8 ? $" and {services.Count - 8} more" : "")
                    )
            );
        var calls = q.Calls;
        if (q.Mesh is { } mesh)
        {
            var seen = await new MeshCallGraphReader(client).ReadAsync(mesh, q.Scope, q.At, q.Since, ct).ConfigureAwait(false);
            calls = q
                .Calls.Concat(seen)
                .GroupBy(kv => kv.Key, StringComparer.Ordinal)
                .ToDictionary(
                    g => g.Key,
                    g => (IReadOnlyList<string>)[.. g.SelectMany(kv => kv.Value).Distinct(StringComparer.Ordinal)],
                    StringComparer.Ordinal
                );
        }
        return SuspectRanker.Rank(q.Service, q.Metric, services, suspects, calls, SuspectPolicy.Default);
    }
}
