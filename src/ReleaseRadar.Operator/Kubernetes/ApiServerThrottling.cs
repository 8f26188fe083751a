using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ReleaseRadar.Operator.Kubernetes;

/// <summary>
/// Waits out the API server's 429 Too Many Requests (API Priority and Fairness, or a rate-limited proxy) for as long as
/// its Retry-After asks, within a cap, then resends, as client-go does. Without this a throttled call failed at once and
/// the work queue's own backoff (1 s, 2 s, ...) came back sooner than the server asked, adding to the overload.
/// </summary>
internal sealed class ApiServerThrottling(ILogger? logger = null, TimeSpan? maxWait = null, int maxRetries = 5) : DelegatingHandler
{
    /// <summary>Used when a 429 carries no usable Retry-After, as client-go does.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(1);

    private readonly ILogger _log = logger ?? NullLogger.Instance;
    private readonly TimeSpan _maxWait = maxWait ?? TimeSpan.FromSeconds(30);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt > maxRetries)
                return response;
            var wait = Wait(response, _maxWait);
            _log.LogWarning(
                "The API server throttled {Method} {Path} (429); retrying in {Seconds:0.#} s as its Retry-After asks (attempt {Attempt} of {Max})",
                request.Method,
                request.RequestUri?.AbsolutePath,
                wait.TotalSeconds,
                attempt,
                maxRetries
            );
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
        }
    }

    /// <summary>The delay a 429 asks for: Retry-After in seconds or as a date, at most <paramref name="cap"/>.</summary>
    public static TimeSpan Wait(HttpResponseMessage response, TimeSpan cap)
    {
        var asked = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => DefaultWait,
        };
        if (asked <= TimeSpan.Zero)
            asked = DefaultWait;
        return asked > cap ? cap : asked;
    }
}
