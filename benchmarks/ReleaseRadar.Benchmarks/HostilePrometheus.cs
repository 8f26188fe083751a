using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Benchmarks;

/// <summary>
/// An HTTP server that answers Prometheus API calls the way a broken, hostile or overloaded Prometheus (or the proxy in
/// front of it) can. The answer is chosen by the <c>service="…"</c> label in the query, so one server serves every case
/// to the CLI and to the operator. Any other service gets a well-formed empty answer: a Prometheus with no data.
/// </summary>
public sealed partial class HostilePrometheus : IAsyncDisposable
{
    public sealed record Case(string Name, string What, Func<HttpContext, CancellationToken, Task> Answer);

    private readonly WebApplication _app;
    private readonly Dictionary<string, Case> _cases;
    public Uri Url { get; }
    public IReadOnlyCollection<Case> Cases => _cases.Values;

    /// <summary>service="x", or service=~"x" as the operator's batched queries write it (escaped for a regex, in a string).</summary>
    [GeneratedRegex(@"service=~?""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Service();

    private HostilePrometheus(WebApplication app, Uri url, IEnumerable<Case> cases)
    {
        _app = app;
        Url = url;
        _cases = cases.ToDictionary(c => c.Name);
    }

    public static async Task<HostilePrometheus> StartAsync(CancellationToken ct)
    {
        var port = LocalPrometheus.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MinResponseDataRate = null); // the slow-drip case must be allowed to drip
        var app = builder.Build();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var server = new HostilePrometheus(app, url, BuildCases());
        app.Map("/{**path}", server.AnswerAsync);
        await app.StartAsync(ct);
        return server;
    }

    private async Task AnswerAsync(HttpContext ctx)
    {
        string? query = ctx.Request.HasFormContentType
            ? (await ctx.Request.ReadFormAsync(ctx.RequestAborted))["query"].ToString()
            : ctx.Request.Query["query"].ToString();
        var service =
            query is null ? null
            : Service().Match(query) is { Success: true } m ? m.Groups[1].Value.Replace("\\", "", StringComparison.Ordinal)
            : null;
        try
        {
            if (service is not null && _cases.TryGetValue(service, out var c))
                await c.Answer(ctx, ctx.RequestAborted);
            else
                await Write(ctx, 200, "application/json", """{"status":"success","data":{"resultType":"matrix","result":[]}}""");
        }
        catch (OperationCanceledException) { } // the client gave up, as it should on a hanging answer
    }

    private static Task Write(HttpContext ctx, int code, string type, string body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = type;
        return ctx.Response.WriteAsync(body);
    }

    private static Func<HttpContext, CancellationToken, Task> Json(string body, int code = 200) =>
        (ctx, _) => Write(ctx, code, "application/json", body);

    private static string Matrix(string series) => """{"status":"success","data":{"resultType":"matrix","result":[""" + series + "]}}";

    private static string Values(Func<int, string> value) =>
        string.Join(",", Enumerable.Range(0, 240).Select(i => $"[{1_763_900_000 + i * 15},\"{value(i)}\"]"));

    /// <summary>One answer for the request counts and another for the latency buckets, told apart by the query.</summary>
    private static Func<HttpContext, CancellationToken, Task> ByQuery(string requests, string buckets) =>
        (ctx, _) =>
            Write(
                ctx,
                200,
                "application/json",
                (ctx.Request.HasFormContentType ? ctx.Request.Form["query"].ToString() : "").Contains("_bucket", StringComparison.Ordinal)
                    ? buckets
                    : requests
            );

    /// <summary>A healthy service's request counts: 1,000 a step, 0.1 % of them 5xx.</summary>
    private static string Requests() =>
        Matrix($$"""{"metric":{"code":"200"},"values":[{{Values(_ => "999")}}]},{"metric":{"code":"500"},"values":[{{Values(_ => "1")}}]}""");

    private static string Histogram(params (string Le, string Count)[] buckets) =>
        Matrix(string.Join(",", buckets.Select(b => $$"""{"metric":{"le":"{{b.Le}}"},"values":[{{Values(_ => b.Count)}}]}""")));

    /// <summary>The population labels of the query (service and the operator's per-case label), so the series are the release's own.</summary>
    [GeneratedRegex(@"(service|case\w*)=~?""((?:[^""\\]|\\.)*)""")]
    private static partial Regex PopulationLabel();

    /// <summary>
    /// 8,000 series for the release's own population, told apart by <paramref name="label"/> (a status label that is really
    /// an id, or a histogram with 8,000 buckets), 60 samples each: about 11 MB, under the 32 MiB answer limit.
    /// </summary>
    private static Func<HttpContext, CancellationToken, Task> HighCardinality(string label) =>
        async (ctx, ct) =>
        {
            var query = ctx.Request.HasFormContentType ? ctx.Request.Form["query"].ToString() : "";
            var isBuckets = query.Contains("_bucket", StringComparison.Ordinal);
            if (isBuckets != (label == "le"))
            {
                await Write(ctx, 200, "application/json", """{"status":"success","data":{"resultType":"matrix","result":[]}}""");
                return;
            }
            var own = string.Join(
                ",",
                PopulationLabel()
                    .Matches(query)
                    .Select(m => $"\"{m.Groups[1].Value}\":\"{m.Groups[2].Value.Replace("\\", "", StringComparison.Ordinal)}\"")
            );
            var values = string.Join(",", Enumerable.Range(0, 60).Select(i => $"[{1_763_900_000 + i * 60},\"{i}\"]"));
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"status":"success","data":{"resultType":"matrix","result":[""", ct);
            for (var i = 0; i < 8_000; i++)
                await ctx.Response.WriteAsync(
                    (i == 0 ? "" : ",") + $$"""{"metric":{"{{label}}":"{{i}}"{{(own.Length > 0 ? "," : "")}}{{own}}},"values":[{{values}}]}""",
                    ct
                );
            await ctx.Response.WriteAsync("]}}", ct);
        };

    private static IEnumerable<Case> BuildCases()
    {
        yield return new("status-number", "\"status\": 1", Json("""{"status":1}"""));
        yield return new("data-number", "\"data\": 1", Json("""{"status":"success","data":1}"""));
        yield return new(
            "error-object",
            "an object as the error text",
            Json("""{"status":"error","errorType":"bad_data","error":{"nested":true}}""", 400)
        );
        yield return new("empty-object", "{}", Json("{}"));
        yield return new("json-null", "null", Json("null"));
        yield return new("json-array", "[]", Json("[]"));
        yield return new(
            "empty-body",
            "200 with no body",
            (ctx, _) =>
            {
                ctx.Response.StatusCode = 200;
                return Task.CompletedTask;
            }
        );
        yield return new(
            "html-200",
            "an HTML login page with 200",
            (ctx, _) => Write(ctx, 200, "text/html", "<html><body><form>Sign in</form></body></html>")
        );
        yield return new(
            "html-502",
            "a proxy's HTML 502",
            (ctx, _) => Write(ctx, 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>")
        );
        yield return new("text-500", "plain-text 500", (ctx, _) => Write(ctx, 500, "text/plain", "internal error"));
        yield return new("not-found", "404 (wrong path prefix)", (ctx, _) => Write(ctx, 404, "text/plain", "404 page not found"));
        yield return new(
            "throttle-429",
            "429 with Retry-After: 1, always",
            (ctx, _) =>
            {
                ctx.Response.Headers.RetryAfter = "1";
                return Write(ctx, 429, "text/plain", "too many requests");
            }
        );
        yield return new(
            "retry-after-huge",
            "503 with Retry-After: 999999",
            (ctx, _) =>
            {
                ctx.Response.Headers.RetryAfter = "999999";
                return Write(ctx, 503, "text/plain", "overloaded");
            }
        );
        yield return new(
            "duplicate-labels",
            "the same label twice in a series",
            Json(Matrix($$"""{"metric":{"a":"1","a":"2"},"values":[{{Values(_ => "1")}}]}"""))
        );
        yield return new("timestamp-1e300", "a timestamp of 1e300", Json(Matrix("""{"metric":{},"values":[[1e300,"1"]]}""")));
        yield return new("timestamp-negative", "a negative timestamp", Json(Matrix("""{"metric":{},"values":[[-5,"1"]]}""")));
        yield return new("values-nan", "every value NaN", Json(Matrix($$"""{"metric":{},"values":[{{Values(_ => "NaN")}}]}""")));
        yield return new("values-inf", "every value +Inf", Json(Matrix($$"""{"metric":{},"values":[{{Values(_ => "+Inf")}}]}""")));
        yield return new(
            "values-negative",
            "negative request rates",
            Json(Matrix($$"""{"metric":{},"values":[{{Values(i => (-i).ToString(System.Globalization.CultureInfo.InvariantCulture))}}]}"""))
        );
        yield return new("value-text", "a value that is not a number", Json(Matrix("""{"metric":{},"values":[[1763900000,"abc"]]}""")));
        yield return new("value-wrong-shape", "a sample that is not a pair", Json(Matrix("""{"metric":{},"values":[[1763900000]]}""")));
        yield return new(
            "result-scalar",
            "resultType scalar for a range query",
            Json("""{"status":"success","data":{"resultType":"scalar","result":[1763900000,"1"]}}""")
        );
        yield return new(
            "result-string",
            "resultType string",
            Json("""{"status":"success","data":{"resultType":"string","result":[1763900000,"x"]}}""")
        );
        yield return new(
            "result-vector",
            "resultType vector for a range query",
            Json("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1763900000,"1"]}]}}""")
        );
        // Well-formed answers of the wrong shape: each must be named for what it is, never judged as if it were right.
        yield return new(
            "status-label-missing",
            "series labelled status_code where the Release expects code",
            ByQuery(
                Matrix(
                    $$"""{"metric":{"status_code":"200"},"values":[{{Values(_ => "900")}}]},"""
                        + $$"""{"metric":{"status_code":"500"},"values":[{{Values(_ => "100")}}]}"""
                ),
                Histogram(("0.1", "500"), ("+Inf", "1000"))
            )
        );
        yield return new(
            "buckets-not-cumulative",
            "a lower latency bucket holding more than +Inf",
            ByQuery(Requests(), Histogram(("0.1", "1200"), ("0.5", "1100"), ("+Inf", "1000")))
        );
        yield return new("bucket-le-text", "a latency bucket whose le is \"abc\"", ByQuery(Requests(), Histogram(("abc", "10"), ("+Inf", "1000"))));
        yield return new("buckets-no-inf", "latency buckets without le=\"+Inf\"", ByQuery(Requests(), Histogram(("0.1", "500"), ("0.5", "900"))));
        yield return new(
            "many-series",
            "10,000 series where one is expected",
            Json(Matrix(string.Join(",", Enumerable.Range(0, 10_000).Select(i => $$"""{"metric":{"pod":"p{{i}}"},"values":[[1763900000,"1"]]}"""))))
        );
        yield return new("high-cardinality-status", "8,000 status-label values for one release (an 11 MB answer)", HighCardinality("code"));
        yield return new("high-cardinality-buckets", "8,000 latency buckets for one release", HighCardinality("le"));
        yield return new(
            "huge-50mb",
            "a 50 MB answer",
            async (ctx, ct) =>
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("""{"status":"success","data":{"resultType":"matrix","result":[""", ct);
                var chunk = string.Join(",", Enumerable.Range(0, 1000).Select(i => $$"""{"metric":{"pod":"p{{i}}"},"values":[[1763900000,"1"]]}"""));
                for (var written = 0L; written < 50_000_000; written += chunk.Length)
                    await ctx.Response.WriteAsync((written == 0 ? "" : ",") + chunk, ct);
                await ctx.Response.WriteAsync("]}}", ct);
            }
        );
        yield return new(
            "truncated-json",
            "JSON cut off in the middle",
            Json("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[176390""")
        );
        yield return new(
            "invalid-utf8",
            "bytes that are not UTF-8",
            async (ctx, ct) =>
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.Body.WriteAsync(
                    Encoding
                        .ASCII.GetBytes("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":\"")
                        .Concat(new byte[] { 0xff, 0xfe, 0xc3 })
                        .Concat(Encoding.ASCII.GetBytes("\"},\"values\":[]}]}}"))
                        .ToArray(),
                    ct
                );
            }
        );
        yield return new("deep-nesting", "100,000 nested arrays", Json(new string('[', 100_000) + new string(']', 100_000)));
        yield return new("hang", "accepts the request and never answers", (_, ct) => Task.Delay(Timeout.Infinite, ct));
        yield return new(
            "slow-drip",
            "one byte every 200 ms, forever",
            async (ctx, ct) =>
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[", ct);
                while (true)
                {
                    await ctx.Response.WriteAsync(" ", ct);
                    await ctx.Response.Body.FlushAsync(ct);
                    await Task.Delay(200, ct);
                }
            }
        );
        yield return new(
            "connection-reset",
            "closes the connection without answering",
            (ctx, _) =>
            {
                ctx.Abort();
                return Task.CompletedTask;
            }
        );
        yield return new(
            "length-lie",
            "declares 1,000 bytes, sends 10 and closes",
            async (ctx, ct) =>
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentLength = 1000;
                await ctx.Response.Body.WriteAsync("{\"status\":"u8.ToArray(), ct);
                await ctx.Response.Body.FlushAsync(ct);
                ctx.Abort();
            }
        );
        yield return new(
            "gzip-lie",
            "Content-Encoding: gzip on a plain body",
            (ctx, _) =>
            {
                ctx.Response.Headers.ContentEncoding = "gzip";
                return Write(ctx, 200, "application/json", """{"status":"success","data":{"resultType":"matrix","result":[]}}""");
            }
        );
        yield return new(
            "redirect-loop",
            "302 to itself",
            (ctx, _) =>
            {
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = ctx.Request.Path + ctx.Request.QueryString;
                return Task.CompletedTask;
            }
        );
        yield return new(
            "redirect-metadata",
            "302 to a cloud metadata address",
            (ctx, _) =>
            {
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = "http://169.254.169.254/latest/meta-data/";
                return Task.CompletedTask;
            }
        );
        for (var seed = 1; seed <= 10; seed++)
        {
            var bytes = new byte[new Random(seed).Next(1, 4096)];
            new Random(seed).NextBytes(bytes);
            yield return new(
                $"random-bytes-{seed}",
                $"{bytes.Length} random bytes (seed {seed})",
                (ctx, ct) =>
                {
                    ctx.Response.StatusCode = 200;
                    ctx.Response.ContentType = "application/json";
                    return ctx.Response.Body.WriteAsync(bytes, ct).AsTask();
                }
            );
        }
        for (var seed = 1; seed <= 10; seed++)
        {
            var body = RandomAnswer(new Random(1000 + seed));
            yield return new($"random-json-{seed}", $"random answer-shaped JSON (seed {seed})", Json(body));
        }
    }

    private static readonly string[] AnswerKeys = ["status", "data", "resultType", "result", "metric", "values", "value", "error", "warnings"];

    /// <summary>JSON with the answer's field names and random values of random types at every level.</summary>
    private static string RandomAnswer(Random r)
    {
        string Value(int depth) =>
            (depth > 3 ? r.Next(5) : r.Next(8)) switch
            {
                0 => "null",
                1 => r.Next(2) == 0 ? "true" : "false",
                2 => (r.NextDouble() * Math.Pow(10, r.Next(-5, 310))).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                3 => "\"" + new[] { "NaN", "+Inf", "-1", "1763900000", "", "x\\u0000y", "matrix", "success" }[r.Next(8)] + "\"",
                4 => r.Next(-3, 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
                5 => "[" + string.Join(",", Enumerable.Range(0, r.Next(4)).Select(_ => Value(depth + 1))) + "]",
                _ => "{"
                    + string.Join(",", Enumerable.Range(0, r.Next(4)).Select(_ => $"\"{AnswerKeys[r.Next(AnswerKeys.Length)]}\":{Value(depth + 1)}"))
                    + "}",
            };
        return """{"status":"success","data":{"resultType":"matrix","result":[{"metric":"""
            + Value(2)
            + ",\"values\":"
            + Value(2)
            + "},"
            + Value(1)
            + "]}}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
