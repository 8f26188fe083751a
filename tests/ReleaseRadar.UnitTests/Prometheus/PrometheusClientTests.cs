using System.Net;
using System.Text;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.UnitTests.Prometheus;

/// <summary>Answers with a scripted sequence of responses and records the requests.</summary>
internal sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] responses) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, string Body)> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request, body));
        var response = responses[Math.Min(Requests.Count - 1, responses.Length - 1)](request);
        response.RequestMessage = request;
        return response;
    }

    public static Func<HttpRequestMessage, HttpResponseMessage> Json(HttpStatusCode code, string json) =>
        _ => new HttpResponseMessage(code) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static Func<HttpRequestMessage, HttpResponseMessage> Text(HttpStatusCode code, string text, string type = "text/html") =>
        _ => new HttpResponseMessage(code) { Content = new StringContent(text, Encoding.UTF8, type) };
}

public sealed class PrometheusClientTests
{
    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(1_763_900_000);

    private static PrometheusClient Client(ScriptedHandler handler, Action<PrometheusOptions>? _ = null, PrometheusOptions? options = null) =>
        new(
            options
                ?? new PrometheusOptions
                {
                    Url = new Uri("http://prom.test:9090/prefix"),
                    MaxRetries = 2,
                    RetryDelay = TimeSpan.FromMilliseconds(1),
                },
            handler,
            (_, _) => Task.CompletedTask
        );

    private const string Matrix = """
        {"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"code":"200"},"values":[[1763900060,"100"],[1763900120,"NaN"],[1763900180,"+Inf"]]},
          {"metric":{"code":"500"},"values":[[1763900060,"2.5"]]}]}}
        """;

    [Fact]
    public async Task A_range_query_is_posted_under_the_base_path_and_parsed_with_nan_and_inf()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Json(HttpStatusCode.OK, Matrix));
        using var client = Client(handler);
        var result = await client.QueryRangeAsync("up", T, T.AddMinutes(3), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        var (request, body) = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("http://prom.test:9090/prefix/api/v1/query_range", request.RequestUri!.ToString());
        Assert.Contains("query=up", body);
        Assert.Contains("step=60", body);
        Assert.Equal(2, result.Series.Count);
        Assert.Equal(100, result.Series[0].Points[0].Value);
        Assert.True(double.IsNaN(result.Series[0].Points[1].Value));
        Assert.True(double.IsPositiveInfinity(result.Series[0].Points[2].Value));
        Assert.Equal(T.AddMinutes(1), result.Series[0].Points[0].Time);
    }

    [Fact]
    public async Task An_error_payload_becomes_a_clear_non_retried_error()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Json(
                HttpStatusCode.BadRequest,
                """{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \"}\""}"""
            )
        );
        using var client = Client(handler);
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up}", T, TestContext.Current.CancellationToken));
        Assert.Equal("PrometheusQueryError", e.Reason);
        Assert.StartsWith("Prometheus rejected the query (HTTP 400, bad_data): 1:5: parse error", e.Message);
        Assert.Contains("Query: up}", e.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task An_html_error_page_is_retried_then_reported_with_a_snippet()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Text(HttpStatusCode.BadGateway, "<html><body><h1>502 Bad Gateway</h1></body></html>"));
        using var client = Client(handler);
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        Assert.Equal("PrometheusHttpError", e.Reason);
        Assert.Contains("answered HTTP 502 with a body that is not a Prometheus API response (text/html", e.Message);
        Assert.Contains("502 Bad Gateway", e.Message);
        Assert.EndsWith("(gave up after 3 attempts)", e.Message);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task One_attempt_is_one_attempt_in_the_message()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Text(HttpStatusCode.BadGateway, "<html>502</html>"));
        using var client = Client(handler, options: new PrometheusOptions { Url = new Uri("http://prom.test:9090/"), MaxRetries = 0 });
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        Assert.EndsWith("(gave up after 1 attempt)", e.Message);
    }

    [Fact]
    public async Task A_transient_failure_then_success_returns_the_result()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Text(HttpStatusCode.ServiceUnavailable, "overloaded", "text/plain"),
            ScriptedHandler.Json(HttpStatusCode.OK, Matrix)
        );
        using var client = Client(handler);
        var result = await client.QueryAsync("up", T, TestContext.Current.CancellationToken);
        Assert.Equal(2, result.Series.Count);
        Assert.Equal(2, client.QueriesSent);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"data\":1}")]
    [InlineData("[1,2,3]")]
    public async Task Garbage_with_status_200_is_a_bad_response(string body)
    {
        using var client = Client(new ScriptedHandler(ScriptedHandler.Text(HttpStatusCode.OK, body, "application/json")));
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        Assert.Equal("PrometheusBadResponse", e.Reason);
    }

    [Fact]
    public async Task A_malformed_sample_is_a_bad_response_not_a_crash()
    {
        using var client = Client(
            new ScriptedHandler(
                ScriptedHandler.Json(
                    HttpStatusCode.OK,
                    """{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1763900060,"twelve"]}]}}"""
                )
            )
        );
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        Assert.Equal("PrometheusBadResponse", e.Reason);
        Assert.Contains("twelve", e.Message);
    }

    [Fact]
    public async Task Bearer_token_and_extra_headers_are_sent()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Json(HttpStatusCode.OK, Matrix));
        using var client = Client(
            handler,
            options: new PrometheusOptions
            {
                Url = new Uri("http://prom.test/"),
                BearerToken = "s3cret",
                Headers = new Dictionary<string, string> { ["X-Scope-OrgID"] = "team-a" },
            }
        );
        await client.QueryAsync("up", T, TestContext.Current.CancellationToken);
        var request = handler.Requests[0].Request;
        Assert.Equal("Bearer s3cret", request.Headers.Authorization!.ToString());
        Assert.Equal("team-a", Assert.Single(request.Headers.GetValues("X-Scope-OrgID")));
    }

    [Fact]
    public async Task Basic_auth_and_a_token_file_are_supported()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Json(HttpStatusCode.OK, Matrix));
        using (
            var basic = Client(
                handler,
                options: new PrometheusOptions
                {
                    Url = new Uri("http://prom.test/"),
                    Username = "grafana",
                    Password = "pw",
                }
            )
        )
            await basic.QueryAsync("up", T, TestContext.Current.CancellationToken);
        Assert.Equal(
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("grafana:pw")),
            handler.Requests[0].Request.Headers.Authorization!.ToString()
        );

        var tokenFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(tokenFile, "rotated-token\n", TestContext.Current.CancellationToken);
        using (var fromFile = Client(handler, options: new PrometheusOptions { Url = new Uri("http://prom.test/"), BearerTokenFile = tokenFile }))
            await fromFile.QueryAsync("up", T, TestContext.Current.CancellationToken);
        Assert.Equal("Bearer rotated-token", handler.Requests[1].Request.Headers.Authorization!.ToString());
        File.Delete(tokenFile);
    }

    [Fact]
    public async Task An_unreachable_server_is_named_in_the_error()
    {
        using var client = new PrometheusClient(
            new PrometheusOptions
            {
                Url = new Uri("http://127.0.0.1:1/"),
                MaxRetries = 1,
                RetryDelay = TimeSpan.FromMilliseconds(1),
                Timeout = TimeSpan.FromSeconds(2),
            }
        );
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        Assert.Equal("PrometheusUnreachable", e.Reason);
        Assert.StartsWith("Cannot reach Prometheus at http://127.0.0.1:1/", e.Message);
    }
}
