using ReleaseRadar.Prometheus;

namespace ReleaseRadar.UnitTests.Prometheus;

public sealed class MeshLabelsTests
{
    [Theory]
    [InlineData("payments.shop.svc.cluster.local", "payments")]
    [InlineData("payments.shop.svc", "payments")]
    [InlineData("payments", "payments")]
    [InlineData("api.v2", "api.v2")] // not a service host name: the name itself
    [InlineData("payments.shop.example.com", "payments.shop.example.com")]
    public void A_service_host_name_names_its_first_part(string value, string service) => Assert.Equal(service, MeshLabels.ServiceName(value));

    [Theory]
    [InlineData("istio_requests_total", "source_workload", "destination_service_name", null)]
    [InlineData("istio requests", "source_workload", "destination_service_name", "'istio requests' is not a Prometheus metric name")]
    [InlineData("istio_requests_total", "source\"x", "destination_service_name", "'source\"x' is not a label name")]
    [InlineData("istio_requests_total", "source_workload", "dst}", "'dst}' is not a label name")]
    public void Only_names_go_into_the_query(string metric, string caller, string callee, string? problem) =>
        Assert.Equal(problem, new MeshLabels(metric, caller, callee).Problem());
}
