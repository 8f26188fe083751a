using System.Net;
using System.Text.Json.Nodes;
using k8s;
using ReleaseRadar.Analysis;
using ReleaseRadar.Api;
using ReleaseRadar.IntegrationTests.Operator;
using ReleaseRadar.Operator.Hosting;
using ReleaseRadar.Prometheus;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests.Ui;

/// <summary>
/// The site `demo --listen` serves: the operator's pages and API over a fixed set of Releases, with no cluster, the steps
/// read from a real Prometheus.
/// </summary>
public sealed class DemoSiteTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    [Fact]
    public async Task The_pages_and_the_api_are_served_over_releases_without_a_cluster()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        using var client = prometheus.NewClient();
        var source = new PrometheusReleaseSource(client);
        var releases = new List<Release>();
        foreach (var (name, scenario) in new[] { ("checkout-good", "good"), ("checkout-bad", "errors") })
        {
            var r = KubernetesJson.Deserialize<Release>(OperatorHarness.ReleaseJson(name, scenario, BackfilledPrometheus.Deploy));
            r.Metadata.NamespaceProperty = "demo";
            r.Status = (await new ReleaseAnalyzer(source).ReplayAsync(r, BackfilledPrometheus.Deploy.AddHours(1), null, ct)).Status;
            releases.Add(r);
        }
        var port = LocalPrometheus.FreePort();
        await using var site = ReadOnlySite.ForReleases($"127.0.0.1:{port}", () => releases, client, TimeProvider.System);
        await site.StartAsync(ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        Assert.Contains("app.js", await http.GetStringAsync("", ct));
        Assert.Contains("release.js", await http.GetStringAsync("releases/demo/checkout-bad", ct));
        Assert.Equal(2, JsonNode.Parse(await http.GetStringAsync("releases", ct))!.AsArray().Count);
        var view = JsonNode.Parse(await http.GetStringAsync("view/demo/checkout-bad", ct))!;
        Assert.Null(view["stepsUnavailable"]);
        var fiveXx = view["metrics"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "serverErrorRate")!;
        Assert.True(fiveXx["release"]!.AsArray().Count >= 20);
        Assert.True(fiveXx["baseline"]!["steps"]!.GetValue<int>() >= 20);
        // Which release broke it, over the same Releases: the symptom's change point and checkout's releases ranked.
        var at = BackfilledPrometheus.Deploy.AddMinutes(40).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var suspects = JsonNode.Parse(await http.GetStringAsync($"suspects?service=checkout&selector=scenario%3Derrors&at={at}", ct))!;
        Assert.Equal(BackfilledPrometheus.Deploy.ToString("yyyy-MM-ddTHH:mm:ssZ"), suspects["onset"]!.GetValue<string>());
        Assert.Equal("checkout", suspects["suspects"]![0]!["service"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("suspects?metric=p95", ct)).StatusCode);
        // A service with no series is a setup mistake, said with the services that exist.
        var typo = await http.GetAsync($"suspects?service=checkuot&selector=scenario%3Derrors&at={at}", ct);
        Assert.Equal(HttpStatusCode.NotFound, typo.StatusCode);
        var error = JsonNode.Parse(await typo.Content.ReadAsStringAsync(ct))!["error"]!.GetValue<string>();
        Assert.Contains("the values service carries there: \"catalog\", \"checkout\"", error);
        var missing = await http.GetAsync("view/demo/nope", ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.NotNull(missing.Headers.GetValues("Content-Security-Policy").Single()); // the operator's headers too
    }
}
