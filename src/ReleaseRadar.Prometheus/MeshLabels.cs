using System.Text.RegularExpressions;
using ReleaseRadar.Analysis.Planning;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Where a service mesh counts the requests between services: its metric, and the labels naming the caller and the callee
/// with the same names the service label gives them. Istio's by default (source_workload, destination_service_name).
/// </summary>
public sealed partial record MeshLabels(string Metric, string Caller, string Callee)
{
    public static MeshLabels Istio { get; } = new("istio_requests_total", "source_workload", "destination_service_name");

    /// <summary>
    /// The service a mesh label's value names: a Kubernetes service host name (Istio's destination_service,
    /// payments.shop.svc.cluster.local) names its first part; anything else is the name itself.
    /// </summary>
    public static string ServiceName(string value) => ServiceHost().Match(value) is { Success: true } m ? m.Groups["name"].Value : value;

    [GeneratedRegex(@"^(?<name>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.svc(\..+)?\z")]
    private static partial Regex ServiceHost();

    /// <summary>Why these cannot be put in a query, or null: they go into PromQL, so only names are accepted.</summary>
    public string? Problem() =>
        !ReleasePlanner.MetricName().IsMatch(Metric) ? $"'{Metric}' is not a Prometheus metric name"
        : new[] { Caller, Callee }.FirstOrDefault(l => !ReleasePlanner.LabelName().IsMatch(l)) is { } bad ? $"'{bad}' is not a label name"
        : null;
}
