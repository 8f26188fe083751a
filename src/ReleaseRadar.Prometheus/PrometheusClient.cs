using System.Globalization;
using System.Net;
using System.Text.Json;
using ReleaseRadar.Analysis;
using RestSharp;
using RestSharp.Authenticators;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// Prometheus HTTP API client on RestSharp: POSTs /api/v1/query and /api/v1/query_range (no URL-length limits for long
/// queries), with a per-request timeout, retries with exponential backoff and jitter for transient failures only,
/// bearer, bearer-file or basic auth, and extra headers.
/// </summary>
public sealed class PrometheusClient : IDisposable
{
    private readonly RestClient _client;
    private readonly PrometheusOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    /// <summary>Counts queries sent (including retries), for the operator's self-metrics and the scale benchmark.</summary>
    public long QueriesSent => Interlocked.Read(ref _queriesSent);
    private long _queriesSent;

    /// <summary>PromQL bytes sent and answer bytes read, for the same: the size of batched queries is what scales with a fleet.</summary>
    public long QueryBytesSent => Interlocked.Read(ref _queryBytesSent);
    public long ResponseBytesRead => Interlocked.Read(ref _responseBytesRead);
    public long LargestQueryBytes => Interlocked.Read(ref _largestQueryBytes);
    private long _queryBytesSent;
    private long _responseBytesRead;
    private long _largestQueryBytes;

    public event Action<string>? QueryFailed;

    /// <summary>The URL as it may be shown: user-info (credentials) removed.</summary>
    private readonly string _url;

    public PrometheusClient(PrometheusOptions options, HttpMessageHandler? handler = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        _options = options;
        Budget = new AnswerBudget(options.MaxBytesInFlight);
        _delay = delay ?? Task.Delay;
        // Credentials written into the URL (http://user:pass@host) become basic auth, and never reach a message.
        var (bare, user, password) = SafeUrl.SplitUserInfo(options.Url);
        _url = bare.GetLeftPart(UriPartial.Path);
        var baseUrl = bare.ToString().EndsWith('/') ? bare : new Uri(bare + "/");
        user = options.Username ?? user;
        password = options.Username is not null ? options.Password : password;
        var restOptions = new RestClientOptions(baseUrl)
        {
            Timeout = options.Timeout,
            UserAgent = "release-radar",
            ThrowOnAnyError = false,
            // A redirect would carry the query, and any credentials, to wherever the answer points; the API never needs one.
            FollowRedirects = false,
            Authenticator =
                options.BearerToken is { Length: > 0 } token ? new JwtAuthenticator(token)
                : user is not null ? new HttpBasicAuthenticator(user, password ?? "")
                : null,
        };
        if (handler is not null)
            restOptions.ConfigureMessageHandler = _ => handler;
        _client = new RestClient(restOptions);
        foreach (var (name, value) in options.Headers)
            _client.AddDefaultHeader(name, value);
    }

    /// <summary>Bounds the answer bytes all queries of this client hold at once (<see cref="PrometheusOptions.MaxBytesInFlight"/>).</summary>
    public AnswerBudget Budget { get; }

    /// <summary>An instant query; <paramref name="cap"/> bounds its series (by default one population of the configured size).</summary>
    public Task<PrometheusResult> QueryAsync(string promql, DateTimeOffset time, CancellationToken cancellationToken, SeriesCap? cap = null) =>
        Query("api/v1/query", [("query", promql), ("time", Seconds(time))], promql, cap ?? Cap([]), cancellationToken);

    /// <summary>
    /// The series cap for an answer of <paramref name="populations"/> populations told apart by <paramref name="labels"/>.
    /// </summary>
    public SeriesCap Cap(IReadOnlyList<string> labels, int populations = 1) =>
        new(labels, _options.MaxSeriesPerPopulation, (int)Math.Min(_options.MaxSeriesPerAnswer, (long)_options.MaxSeriesPerPopulation * populations));

    /// <summary>
    /// The label names of the series <paramref name="selector"/> matches between two times (/api/v1/labels with match[]):
    /// what to name when the series lack a label a query groups by.
    /// </summary>
    public Task<IReadOnlyList<string>> LabelNamesAsync(
        string selector,
        DateTimeOffset start,
        DateTimeOffset end,
        CancellationToken cancellationToken
    ) => StringsAsync("api/v1/labels", "label names", Method.Post, selector, start, end, cancellationToken);

    /// <summary>The values one label takes among the series <paramref name="selector"/> matches (/api/v1/label/NAME/values).</summary>
    public Task<IReadOnlyList<string>> LabelValuesAsync(
        string label,
        string selector,
        DateTimeOffset start,
        DateTimeOffset end,
        CancellationToken cancellationToken
    ) =>
        // Prometheus serves label values to GET only.
        StringsAsync($"api/v1/label/{Uri.EscapeDataString(label)}/values", "label values", Method.Get, selector, start, end, cancellationToken);

    /// <summary>An endpoint that answers a list of strings for the series a selector matches over a time range.</summary>
    private Task<IReadOnlyList<string>> StringsAsync(
        string path,
        string what,
        Method method,
        string selector,
        DateTimeOffset start,
        DateTimeOffset end,
        CancellationToken cancellationToken
    ) =>
        SendAsync<IReadOnlyList<string>>(
            path,
            [("match[]", selector), ("start", Seconds(start)), ("end", Seconds(end))],
            selector,
            answer => answer.LabelNames ?? throw new FormatException($"data is not a list of {what}"),
            Cap([]),
            cancellationToken,
            method
        );

    public Task<PrometheusResult> QueryRangeAsync(
        string promql,
        DateTimeOffset start,
        DateTimeOffset end,
        TimeSpan step,
        CancellationToken cancellationToken,
        SeriesCap? cap = null
    ) =>
        Query(
            "api/v1/query_range",
            [
                ("query", promql),
                ("start", Seconds(start)),
                ("end", Seconds(end)),
                ("step", step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)),
            ],
            promql,
            cap ?? Cap([]),
            cancellationToken
        );

    private Task<PrometheusResult> Query(
        string path,
        (string Name, string Value)[] form,
        string promql,
        SeriesCap cap,
        CancellationToken cancellationToken
    ) => SendAsync(path, form, promql, answer => QueryResult(answer, cap), cap, cancellationToken);

    private async Task<T> SendAsync<T>(
        string path,
        (string Name, string Value)[] form,
        string promql,
        Func<ApiAnswer, T> readData,
        SeriesCap cap,
        CancellationToken cancellationToken,
        Method method = Method.Post
    )
        where T : class
    {
        PrometheusException? last = null;
        TimeSpan? retryAfter = null;
        for (var attempt = 0; attempt <= _options.MaxRetries; attempt++)
        {
            if (attempt > 0)
            {
                // Exponential backoff with full jitter, so many reconcilers retrying at once do not stampede Prometheus;
                // a server that says when to come back (Retry-After on 429 or 503) is believed, up to a cap.
                var ceiling = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
                var backoff = TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
                if (retryAfter is { } asked)
                    backoff =
                        asked > _options.MaxRetryAfter ? _options.MaxRetryAfter
                        : asked > backoff ? asked
                        : backoff;
                await _delay(backoff, cancellationToken).ConfigureAwait(false);
            }
            var request = new RestRequest(path, method);
            foreach (var (name, value) in form)
                request.AddParameter(name, value);
            if (_options.BearerTokenFile is { } file)
                request.AddHeader("Authorization", "Bearer " + ReadToken(file));
            TimeSpan? answeredRetryAfter = null;
            string? oversize = null;
            using var body = new AnswerBody(Budget.Open());
            request.AdvancedResponseWriter = (message, req) =>
                ReadBounded(message, req, body, cancellationToken, out answeredRetryAfter, out oversize);

            Interlocked.Increment(ref _queriesSent);
            var queryBytes = System.Text.Encoding.UTF8.GetByteCount(promql);
            Interlocked.Add(ref _queryBytesSent, queryBytes);
            for (var seen = LargestQueryBytes; queryBytes > seen; seen = LargestQueryBytes)
                Interlocked.CompareExchange(ref _largestQueryBytes, queryBytes, seen);
            RestResponse response;
            try
            {
                response = await _client.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                response = new RestResponse(request) { ResponseStatus = ResponseStatus.TimedOut };
            }
            cancellationToken.ThrowIfCancellationRequested();

            retryAfter = answeredRetryAfter;
            var (result, error, retryable) = oversize is not null
                ? (
                    null,
                    new PrometheusException(
                        "PrometheusResponseTooLarge",
                        $"Prometheus at {_url} answered {oversize}, over the {_options.MaxResponseBytes:N0}-byte limit (--prometheus-max-response); "
                            + "the query matches far more series than a release has: check the selector"
                    ),
                    false
                )
                : Interpret(response, body, promql, readData, cap);
            if (result is PrometheusResult { ResultType: var type } && type != "matrix" && path == "api/v1/query_range")
                (result, error, retryable) = (
                    null,
                    new PrometheusException(
                        "PrometheusBadResponse",
                        $"Prometheus at {_url} answered a range query with resultType '{type}' instead of 'matrix'"
                    ),
                    false
                );
            body.Dispose(); // parsed: its bytes go back to the budget before any retry waits
            if (result is not null)
                return result;
            last = error!;
            QueryFailed?.Invoke(error!.Reason);
            if (!retryable)
                throw error!;
        }
        var attempts = _options.MaxRetries + 1;
        throw new PrometheusException(last!.Reason, $"{last.Message} (gave up after {attempts} attempt{(attempts == 1 ? "" : "s")})", last);
    }

    /// <summary>
    /// Reads the answer without ever holding more than <see cref="PrometheusOptions.MaxResponseBytes"/> of it, and picks
    /// up Retry-After. Of an oversized answer, only its size is kept (<paramref name="oversize"/>).
    /// </summary>
    private RestResponse ReadBounded(
        HttpResponseMessage message,
        RestRequest request,
        AnswerBody body,
        CancellationToken cancellationToken,
        out TimeSpan? retryAfter,
        out string? oversize
    )
    {
        oversize = null;
        retryAfter = message.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
        if (retryAfter < TimeSpan.Zero)
            retryAfter = TimeSpan.Zero;
        var response = new RestResponse(request)
        {
            StatusCode = message.StatusCode,
            IsSuccessStatusCode = message.IsSuccessStatusCode,
            ContentType = message.Content.Headers.ContentType?.MediaType,
            ResponseStatus = ResponseStatus.Completed,
            Headers = message.Headers.Location is { } location ? [new HeaderParameter("Location", location.ToString())] : null,
        };
        var limit = _options.MaxResponseBytes;
        var length = message.Content.Headers.ContentLength;
        if (length > limit)
        {
            oversize = $"{length:N0} bytes";
            return response;
        }
        using var stream = message.Content.ReadAsStream(cancellationToken);
        if (!body.ReadFrom(stream, limit, cancellationToken))
        {
            oversize = $"more than {limit:N0} bytes";
            return response;
        }
        Interlocked.Add(ref _responseBytesRead, body.Length);
        return response;
    }

    private (T? Result, PrometheusException? Error, bool Retryable) Interpret<T>(
        RestResponse response,
        AnswerBody body,
        string promql,
        Func<ApiAnswer, T> readData,
        SeriesCap cap
    )
        where T : class
    {
        try
        {
            return InterpretUnchecked(response, body.Bytes, promql, readData, cap);
        }
        catch (SeriesCapException e)
        {
            return (
                null,
                new PrometheusException(
                    "PrometheusTooManySeries",
                    $"Prometheus at {_url} answered {e.Message} for one query (the cap, --prometheus-max-series, keeps the operator's "
                        + $"memory bounded): the selector matches far more than one release's series. Query: {Snippet(promql, 300)}"
                ),
                false
            );
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever shape the answer has (a number where an object belongs, duplicate labels, a timestamp of 1e300),
            // it is a bad answer with a message, never a crash of the caller.
            return (
                null,
                new PrometheusException(
                    "PrometheusBadResponse",
                    $"Prometheus at {_url} answered something that is not a valid API response ({Describe(e)}): "
                        + $"'{Snippet(AnswerReader.Head(body.Bytes))}'",
                    e
                ),
                false
            );
        }
    }

    private static string Describe(Exception e) =>
        e switch
        {
            ArgumentException { Message: var m } when m.Contains("same key", StringComparison.Ordinal) => "a series has the same label twice",
            _ => e.Message,
        };

    private (T? Result, PrometheusException? Error, bool Retryable) InterpretUnchecked<T>(
        RestResponse response,
        System.Buffers.ReadOnlySequence<byte> content,
        string promql,
        Func<ApiAnswer, T> readData,
        SeriesCap cap
    )
        where T : class
    {
        var url = _url;
        if (response.ResponseStatus == ResponseStatus.TimedOut)
            return (
                null,
                new PrometheusException("PrometheusTimeout", $"Prometheus at {url} did not answer within {_options.Timeout.TotalSeconds:0.#}s"),
                true
            );
        if (response.StatusCode == 0)
            return (
                null,
                new PrometheusException(
                    "PrometheusUnreachable",
                    $"Cannot reach Prometheus at {url}: "
                        + $"{response.ErrorException?.GetBaseException().Message ?? response.ErrorMessage ?? "connection failed"}",
                    response.ErrorException
                ),
                true
            );

        if ((int)response.StatusCode is >= 300 and < 400)
        {
            var location = response.Headers?.FirstOrDefault(h => string.Equals(h.Name, "Location", StringComparison.OrdinalIgnoreCase))?.Value;
            return (
                null,
                new PrometheusException(
                    "PrometheusRedirect",
                    $"Prometheus at {url} answered a redirect (HTTP "
                        + $"{(int)response.StatusCode}{(location is null ? "" : " to " + SafeUrl.Redact(location))}); "
                        + "redirects are not followed, so the query and credentials stay with the configured server: set --prometheus (or "
                        + "spec.prometheus) to the final URL"
                ),
                false
            );
        }
        ApiAnswer? answer;
        try
        {
            answer = AnswerReader.Read(content, cap);
        }
        catch (JsonException)
        {
            answer = null; // handled below: an HTML error page from a proxy is the usual culprit
        }
        var status = (int)response.StatusCode;
        var retryable =
            response.StatusCode
            is HttpStatusCode.TooManyRequests
                or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable
                or HttpStatusCode.GatewayTimeout;
        if (answer is not { HasStatus: true })
        {
            var kind = response.ContentType ?? "no content type";
            var reason = status is >= 200 and < 300 ? "PrometheusBadResponse" : "PrometheusHttpError";
            return (
                null,
                new PrometheusException(
                    reason,
                    $"Prometheus at {url} answered HTTP {status} with a body that is not a Prometheus API response ({kind}): "
                        + $"'{Snippet(AnswerReader.Head(content))}'"
                ),
                retryable
            );
        }
        if (answer.Status is null)
            return (
                null,
                new PrometheusException(
                    "PrometheusBadResponse",
                    $"Prometheus at {url} answered a 'status' that is not a string: '{Snippet(AnswerReader.Head(content))}'"
                ),
                false
            );
        if (answer.Status != "success")
        {
            var errorType = answer.ErrorType ?? "unknown";
            return (
                null,
                new PrometheusException(
                    "PrometheusQueryError",
                    $"Prometheus rejected the query (HTTP {status}, {errorType}): {answer.Error ?? "no error message"}. Query: {Snippet(promql, 300)}"
                ),
                retryable || errorType == "timeout"
            );
        }
        if (!answer.HasData)
            return (
                null,
                new PrometheusException(
                    "PrometheusBadResponse",
                    $"Prometheus at {url} answered success without data: '{Snippet(AnswerReader.Head(content))}'"
                ),
                false
            );
        return (readData(answer), null, false);
    }

    /// <summary>The data of a query or range query: a result type and a result, with the answer's warnings.</summary>
    private static PrometheusResult QueryResult(ApiAnswer answer, SeriesCap cap)
    {
        if (answer.DataShape is not null || answer.LabelNames is not null || !answer.HasResult || answer.ResultType is not { } type)
            throw new FormatException("success without data.resultType/data.result");
        var shapeFits = type switch
        {
            "matrix" or "vector" => !answer.ScalarShaped,
            "scalar" => answer.ScalarShaped,
            _ => throw new FormatException($"unsupported resultType '{type}'"),
        };
        if (!shapeFits)
            throw new FormatException($"a result of type '{type}' does not have that type's shape");
        return new PrometheusResult(type, answer.Series, answer.Warnings) { OverCap = answer.OverCap, Cap = cap };
    }

    /// <summary>Prometheus encodes sample values as strings, including NaN, +Inf and -Inf.</summary>
    public static double ParseValue(string? text) =>
        text switch
        {
            "NaN" => double.NaN,
            "+Inf" or "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            null => throw new FormatException("a sample value is missing"),
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };

    private static string ReadToken(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (IOException e)
        {
            throw new PrometheusException("PrometheusAuthError", $"Cannot read the bearer token file {file}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PrometheusException("PrometheusAuthError", $"Cannot read the bearer token file {file}: {e.Message}", e);
        }
    }

    private static string Seconds(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Snippet(string text, int max = 200)
    {
        var flat = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
        return flat.Length <= max ? flat : flat[..max] + "…";
    }

    public void Dispose() => _client.Dispose();
}
