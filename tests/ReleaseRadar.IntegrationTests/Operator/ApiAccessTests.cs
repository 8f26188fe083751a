using System.Net;
using System.Net.Http.Headers;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// The operator's API under <c>--api-auth</c>, against the API test server's TokenReview and SubjectAccessReview: no
/// token is 401, a ServiceAccount that may read one namespace sees that namespace only, and /metrics needs its own grant.
/// </summary>
public sealed class ApiAccessTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    [Fact]
    public async Task A_reader_of_one_namespace_sees_only_that_namespace_and_nobody_reads_without_a_token()
    {
        PrometheusRequirement.EnsureAvailable();
        var ct = TestContext.Current.CancellationToken;
        await using var h = await OperatorHarness.StartAsync();
        var port = ReleaseRadar.Simulation.LocalPrometheus.FreePort();
        await h.StartOperatorAsync(prometheus.Server!.Url, TimeProvider.System, port: port, apiAuth: true);
        foreach (var ns in new[] { "shop", "pay" })
            h.Apply("releases", ns, OperatorHarness.ReleaseJson($"{ns}-release", "good", BackfilledPrometheus.Deploy));
        // A ServiceAccount in shop, allowed to get and list releases there and nothing else.
        h.Apply(
            "roles",
            "shop",
            """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"release-reader"},
             "rules":[{"apiGroups":["releaseradar.io"],"resources":["releases"],"verbs":["get","list"]}]}
            """,
            "rbac.authorization.k8s.io",
            "v1"
        );
        h.Apply(
            "rolebindings",
            "shop",
            """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"release-reader"},
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"release-reader"},
             "subjects":[{"kind":"ServiceAccount","name":"viewer","namespace":"shop"}]}
            """,
            "rbac.authorization.k8s.io",
            "v1"
        );
        // The token as a user gets it, from the real kubectl (a TokenRequest).
        h.Apply("serviceaccounts", "shop", """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"viewer"}}""", "", "v1");
        var (code, output, error) = Packaging.Tools.Run(
            Packaging.Tools.Require("kubectl"),
            "--kubeconfig",
            h.Kubeconfig,
            "create",
            "token",
            "viewer",
            "-n",
            "shop"
        );
        Assert.True(code == 0, $"kubectl create token failed: {error}");
        var viewer = output.Trim();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitAsync(async () => (await http.GetAsync("/readyz", ct)).StatusCode == HttpStatusCode.OK);

        async Task<(HttpStatusCode Code, string Body)> Get(string path, string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (token is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await http.SendAsync(request, ct);
            return (answer.StatusCode, await answer.Content.ReadAsStringAsync(ct));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/releases", null)).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("/releases", "not-a-token")).Code);
        Assert.Equal(HttpStatusCode.OK, (await Get("/healthz", null)).Code); // the kubelet's probes need no token

        await WaitAsync(async () => (await Get("/releases", ReleaseRadar.KubeApiServer.Rbac.AdminToken)).Body.Contains("pay-release"));
        var seen = await Get("/releases", viewer);
        Assert.Equal(HttpStatusCode.OK, seen.Code);
        Assert.Contains("shop-release", seen.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("pay-release", seen.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("pay-release", (await Get("/timeline", viewer)).Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Get("/analysis/shop/shop-release", viewer)).Code);
        var denied = await Get("/analysis/pay/pay-release", viewer);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Code);
        Assert.Contains("system:serviceaccount:shop:viewer", denied.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get("/gate/pay/pay-release", viewer)).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get("/view/pay/pay-release", viewer)).Code); // the release view's data too
        Assert.Equal(HttpStatusCode.OK, (await Get("/view/shop/shop-release", viewer)).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get("/metrics", viewer)).Code);
        Assert.Equal(HttpStatusCode.OK, (await Get("/metrics", ReleaseRadar.KubeApiServer.Rbac.AdminToken)).Code);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return;
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        Assert.Fail("timed out");
    }
}
