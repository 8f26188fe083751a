namespace ReleaseRadar.Prometheus;

/// <summary>
/// Who calls whom, read from a service mesh's request metric: one instant query for the caller and callee pairs that
/// carried requests over the look-back. No mesh, no series: an empty graph.
/// </summary>
public sealed class MeshCallGraphReader(PrometheusClient client)
{
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadAsync(
        MeshLabels mesh,
        IReadOnlyDictionary<string, string> scope,
        DateTimeOffset at,
        TimeSpan lookBack,
        CancellationToken ct
    )
    {
        if (mesh.Problem() is { } problem)
            throw new ArgumentException(problem, nameof(mesh));
        var series = PromQl.Series(mesh.Metric, PromQl.Matchers(scope));
        var query = $"count by ({mesh.Caller}, {mesh.Callee}) (increase({series}[{PromQl.Duration(lookBack)}]) > 0)";
        var result = await client.QueryAsync(query, at, ct).ConfigureAwait(false);
        return result
            .Series.Select(s =>
                (
                    Caller: s.Labels.GetValueOrDefault(mesh.Caller) is { } caller ? MeshLabels.ServiceName(caller) : null,
                    Callee: s.Labels.GetValueOrDefault(mesh.Callee) is { } callee ? MeshLabels.ServiceName(callee) : null
                )
            )
            .Where(e => e.Caller is { Length: > 0 } && e.Callee is { Length: > 0 } && e.Caller != e.Callee)
            .GroupBy(e => e.Caller!, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<string>)[.. g.Select(e => e.Callee!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
                StringComparer.Ordinal
            );
    }
}
