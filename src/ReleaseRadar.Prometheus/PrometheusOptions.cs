namespace ReleaseRadar.Prometheus;

/// <summary>
/// How to reach a Prometheus-compatible API (Prometheus, Thanos, Mimir, VictoriaMetrics, managed offerings).
/// Credentials never appear in status, logs or the HTTP API.
/// </summary>
public sealed record PrometheusOptions
{
    public required Uri Url { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt, for timeouts, connection failures, 429 and 502–504.</summary>
    public int MaxRetries { get; init; } = 3;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest Retry-After (on 429 and 503) that is honoured; a longer one waits this long instead.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Answers larger than this are refused before they are parsed: a query that matches far more series than meant
    /// must not take the operator past its memory limit.
    /// </summary>
    public long MaxResponseBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>
    /// The answer bytes all concurrent queries may hold at once; a query over it waits for others to be parsed (the oldest
    /// never waits). Two full answers: concurrency then costs time, not memory.
    /// </summary>
    public long MaxBytesInFlight { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Series one population may have in an answer: its status codes, or its latency buckets. Real ones have tens; a
    /// status label that is really a path or a pod name has thousands, and is refused with its count instead of parsed.
    /// </summary>
    public int MaxSeriesPerPopulation { get; init; } = 500;

    /// <summary>Series one answer may hold in all, whatever its populations.</summary>
    public int MaxSeriesPerAnswer { get; init; } = 20_000;
    public string? BearerToken { get; init; }

    /// <summary>Read before each request, so rotated tokens (projected service-account tokens) keep working.</summary>
    public string? BearerTokenFile { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>Extra headers, e.g. X-Scope-OrgID for Mimir or Cortex tenants.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
