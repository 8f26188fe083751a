using System.Net;
using System.Text;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.UnitTests.Prometheus;

/// <summary>What a broken, hostile or overloaded Prometheus (or the proxy in front of it) can answer, and what the client makes of it.</summary>
public sealed class HostileAnswerTests
{
    private static readonly int[] RandomStatuses = [200, 400, 422, 500, 503];

    private static readonly DateTimeOffset T = DateTimeOffset.FromUnixTimeSeconds(1_763_900_000);

    private static PrometheusClient Client(ScriptedHandler handler, List<TimeSpan>? delays = null, PrometheusOptions? options = null) =>
        new(
            options
                ?? new PrometheusOptions
                {
                    Url = new Uri("http://prom.test/"),
                    MaxRetries = 2,
                    RetryDelay = TimeSpan.FromMilliseconds(1),
                },
            handler,
            (d, _) =>
            {
                delays?.Add(d);
                return Task.CompletedTask;
            }
        );

    [Theory]
    [InlineData("""{"status":1}""", "'status' that is not a string")]
    [InlineData("""{"status":"error","errorType":"bad_data","error":{"nested":true}}""", "nested")]
    [InlineData(
        """{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1","a":"2"},"value":[1763900060,"1"]}]}}""",
        "same label twice"
    )]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1e300,"1"]}]}}""", "is not a time")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[-5,"1"]}]}}""", "is not a time")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":"x"}]}}""", "not a valid API response")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":{"a":1}}}""", "not a valid API response")]
    [InlineData("""{"status":"success","data":{"resultType":5,"result":[]}}""", "without data.resultType")]
    public async Task A_malformed_answer_is_a_specific_error_never_a_crash(string body, string expected)
    {
        using var client = Client(new ScriptedHandler(ScriptedHandler.Json(HttpStatusCode.OK, body)));
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task A_redirect_is_an_error_that_says_where_it_pointed_not_a_request_to_elsewhere()
    {
        var calls = 0;
        var handler = new ScriptedHandler(_ =>
        {
            calls++;
            return new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("http://admin:hunter2@169.254.169.254/latest/") } };
        });
        using var client = Client(handler);
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        Assert.Equal("PrometheusRedirect", e.Reason);
        Assert.Contains("redirect (HTTP 302 to http://169.254.169.254/latest/)", e.Message);
        Assert.DoesNotContain("hunter2", e.Message);
        Assert.Equal(1, calls); // not retried
    }

    [Theory]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[]}}""", "vector")]
    [InlineData("""{"status":"success","data":{"resultType":"scalar","result":[1763900060,"1"]}}""", "scalar")]
    public async Task A_range_query_answered_with_another_result_type_is_an_error_not_an_empty_result(string body, string type)
    {
        using var client = Client(new ScriptedHandler(ScriptedHandler.Json(HttpStatusCode.OK, body)));
        var e = await Assert.ThrowsAsync<PrometheusException>(() =>
            client.QueryRangeAsync("up", T, T.AddMinutes(5), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)
        );
        Assert.Contains($"answered a range query with resultType '{type}' instead of 'matrix'", e.Message);
    }

    [Fact]
    public async Task An_answer_over_the_size_limit_is_refused_before_it_is_parsed()
    {
        var big =
            """{"status":"success","data":{"resultType":"vector","result":["""
            + string.Join(",", Enumerable.Repeat("""{"metric":{},"value":[1763900060,"1"]}""", 200))
            + "]}}";
        var options = new PrometheusOptions
        {
            Url = new Uri("http://prom.test/"),
            MaxRetries = 0,
            MaxResponseBytes = 1024,
        };
        using var client = Client(new ScriptedHandler(ScriptedHandler.Json(HttpStatusCode.OK, big)), options: options);
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        Assert.Equal("PrometheusResponseTooLarge", e.Reason);
        Assert.Contains("1,024-byte limit", e.Message);

        using var roomy = Client(
            new ScriptedHandler(ScriptedHandler.Json(HttpStatusCode.OK, big)),
            options: options with
            {
                MaxResponseBytes = 1 << 20,
            }
        );
        Assert.Equal(200, (await roomy.QueryAsync("up", T, TestContext.Current.CancellationToken)).Series.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, 7, 7)]
    [InlineData(HttpStatusCode.ServiceUnavailable, 3600, 30)] // capped at MaxRetryAfter
    public async Task Retry_after_is_honoured_within_a_cap(HttpStatusCode code, int asked, int waited)
    {
        var delays = new List<TimeSpan>();
        var handler = new ScriptedHandler(
            _ => new HttpResponseMessage(code)
            {
                Content = new StringContent("slow down"),
                Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(asked)) },
            },
            ScriptedHandler.Json(HttpStatusCode.OK, """{"status":"success","data":{"resultType":"vector","result":[]}}""")
        );
        using var client = Client(handler, delays);
        await client.QueryAsync("up", T, TestContext.Current.CancellationToken);
        Assert.Equal(TimeSpan.FromSeconds(waited), Assert.Single(delays));
    }

    [Fact]
    public async Task Credentials_in_the_url_become_basic_auth_and_never_reach_a_message()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Text(HttpStatusCode.InternalServerError, "<html>boom</html>"));
        using var client = Client(
            handler,
            options: new PrometheusOptions { Url = new Uri("http://grafana:s3cr%40t@prom.test:9090/"), MaxRetries = 0 }
        );
        var e = await Assert.ThrowsAsync<PrometheusException>(() => client.QueryAsync("up", T, TestContext.Current.CancellationToken));
        var request = handler.Requests[0].Request;
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("grafana:s3cr@t")), request.Headers.Authorization!.ToString());
        Assert.Equal("", request.RequestUri!.UserInfo);
        Assert.Contains("http://prom.test:9090/", e.Message);
        Assert.DoesNotContain("s3cr", e.Message);
        Assert.DoesNotContain("grafana", e.Message);
    }

    /// <summary>
    /// Property: whatever bytes come back (random bytes, random JSON shaped like an API answer), the client returns a
    /// result or throws a <see cref="PrometheusException"/>; nothing else escapes. Seeded, so a failure reproduces.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_answers_end_as_a_result_or_a_prometheus_error(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 300; i++)
        {
            var body =
                i % 3 == 0
                    ? Encoding.Latin1.GetString(Enumerable.Range(0, random.Next(0, 200)).Select(_ => (byte)random.Next(256)).ToArray())
                    : RandomJson(random, 4, answerShaped: i % 3 == 1);
            using var client = Client(
                new ScriptedHandler(ScriptedHandler.Json((HttpStatusCode)RandomStatuses[random.Next(RandomStatuses.Length)], body)),
                options: new PrometheusOptions { Url = new Uri("http://prom.test/"), MaxRetries = 0 }
            );
            try
            {
                await client.QueryRangeAsync("up", T, T.AddMinutes(5), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            }
            catch (PrometheusException) { }
        }
    }

    private static string RandomJson(Random r, int depth, bool answerShaped = false)
    {
        if (answerShaped)
        {
            var status = Pick(r, "\"success\"", "\"error\"", "1", "null");
            var resultType = Pick(r, "\"matrix\"", "\"vector\"", "\"scalar\"", "\"string\"", "7");
            return $$"""{"status":{{status}},"data":{"resultType":{{resultType}},"result":{{RandomJson(r, depth)}}},"error":{{RandomJson(r, 1)}}}""";
        }
        if (depth == 0)
            return Pick(r, "1", "-1e308", "1e300", "\"NaN\"", "\"+Inf\"", "\"x\"", "null", "true", "[1763900060,\"1\"]", "\"\"");
        return r.Next(3) switch
        {
            0 => "[" + string.Join(",", Enumerable.Range(0, r.Next(4)).Select(_ => RandomJson(r, depth - 1))) + "]",
            1 => "{"
                + string.Join(
                    ",",
                    Enumerable
                        .Range(0, r.Next(4))
                        .Select(_ => $"\"{Pick(r, "metric", "values", "value", "le", "code", "__name__")}\":{RandomJson(r, depth - 1)}")
                )
                + "}",
            _ => RandomJson(r, 0),
        };
    }

    private static string Pick(Random r, params string[] options) => options[r.Next(options.Length)];
}
