using System.Net;
using System.Net.Http.Headers;
using ReleaseRadar.Operator.Kubernetes;

namespace ReleaseRadar.UnitTests.Operator;

public sealed class ApiServerThrottlingTests
{
    private static HttpResponseMessage TooMany(RetryConditionHeaderValue? retryAfter)
    {
        var r = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        r.Headers.RetryAfter = retryAfter;
        return r;
    }

    [Fact]
    public void The_wait_is_what_Retry_After_asks_within_the_cap()
    {
        var cap = TimeSpan.FromSeconds(30);
        Assert.Equal(TimeSpan.FromSeconds(4), ApiServerThrottling.Wait(TooMany(new RetryConditionHeaderValue(TimeSpan.FromSeconds(4))), cap));
        Assert.Equal(cap, ApiServerThrottling.Wait(TooMany(new RetryConditionHeaderValue(TimeSpan.FromHours(1))), cap));
        Assert.Equal(ApiServerThrottling.DefaultWait, ApiServerThrottling.Wait(TooMany(null), cap));
        Assert.Equal(
            ApiServerThrottling.DefaultWait,
            ApiServerThrottling.Wait(TooMany(new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddMinutes(-1))), cap)
        );
        var asDate = ApiServerThrottling.Wait(TooMany(new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(10))), cap);
        Assert.InRange(asDate, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10));
    }

    private sealed class Scripted(params HttpStatusCode[] codes) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var code = codes[Math.Min(Calls++, codes.Length - 1)];
            var response = new HttpResponseMessage(code) { RequestMessage = request };
            if (code == HttpStatusCode.TooManyRequests)
                response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMilliseconds(10));
            return Task.FromResult(response);
        }
    }

    [Fact]
    public async Task A_throttled_request_is_resent_and_gives_up_after_the_last_retry()
    {
        var ct = TestContext.Current.CancellationToken;
        var recovers = new Scripted(HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK);
        using (var client = new HttpClient(new ApiServerThrottling(maxRetries: 5) { InnerHandler = recovers }))
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("http://api.invalid/x", new StringContent("{}"), ct)).StatusCode);
        Assert.Equal(3, recovers.Calls);

        var never = new Scripted(HttpStatusCode.TooManyRequests);
        using (var client = new HttpClient(new ApiServerThrottling(maxRetries: 2) { InnerHandler = never }))
            Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("http://api.invalid/x", ct)).StatusCode);
        Assert.Equal(3, never.Calls);

        var other = new Scripted(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        using (var client = new HttpClient(new ApiServerThrottling() { InnerHandler = other }))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("http://api.invalid/x", ct)).StatusCode);
        Assert.Equal(1, other.Calls); // only 429 is the server asking to come back later; other errors are the caller's to judge
    }
}
