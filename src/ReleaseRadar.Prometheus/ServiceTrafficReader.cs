using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Suspects;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Every service's per-step traffic over a look-back, for the suspects: one query for requests by status code and
/// service (and one for latency buckets, for a P95 symptom), split by the service label into the engine's step samples.
/// </summary>
public sealed class ServiceTrafficReader(PrometheusClient client)
{
    public async Task<IReadOnlyList<ServiceTraffic>> ReadAsync(
        MetricNames m,
        string serviceLabel,
        IReadOnlyDictionary<string, string> scope,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan step,
        bool latency,
        CancellationToken ct
    )
    {
        var matchers = PromQl.Matchers(scope);
        var range = StepRange.For(step, null);
        var requests = await client
            .QueryRangeAsync(PromQl.RequestsByCode(m.Requests, m.StatusLabel, matchers, range, [serviceLabel]), from + step, to, step, ct)
            .ConfigureAwait(false);
        var buckets = latency
            ? await client
                .QueryRangeAsync(PromQl.LatencyBuckets(m.LatencyHistogram, matchers, range, [serviceLabel]), from + step, to, step, ct)
                .ConfigureAwait(false)
            : new PrometheusResult("matrix", [], []);
        return
        [
            .. requests
                .Series.Select(s => s.Labels.GetValueOrDefault(serviceLabel))
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .Select(service =>
                {
                    var only = new Dictionary<string, string> { [serviceLabel] = service };
                    var span = PrometheusReleaseSource.ToSpan(m, requests, buckets, only, range);
                    return new ServiceTraffic(service, [.. span.Steps.Values]);
                }),
        ];
    }
}
