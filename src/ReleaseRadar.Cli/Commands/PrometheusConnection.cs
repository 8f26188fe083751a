using System.CommandLine;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Cli.Commands;

/// <summary>
/// Options for reaching Prometheus, shared by every command that queries it. Secrets come from files or environment
/// variables, never from arguments, so they do not show in `ps` or CI logs.
/// </summary>
public sealed class PrometheusConnection
{
    public Option<string?> Url { get; } =
        new("--prometheus")
        {
            Description = "Required: Prometheus base URL, e.g. http://prometheus:9090 (or set $RELEASERADAR_PROMETHEUS_URL)",
            HelpName = "url",
        };
    public Option<string?> BearerTokenFile { get; } =
        new("--prometheus-bearer-token-file")
        {
            Description = "File holding a bearer token (re-read on every request). $RELEASERADAR_PROMETHEUS_TOKEN also works.",
        };
    public Option<string?> BasicAuthFile { get; } =
        new("--prometheus-basic-auth-file") { Description = "File holding 'user:password' for basic auth" };
    public Option<string[]> Headers { get; } =
        new("--prometheus-header")
        {
            Description = "Extra header 'Name: value' (repeatable), e.g. 'X-Scope-OrgID: team-a'",
            AllowMultipleArgumentsPerToken = false,
        };
    public Option<string> Timeout { get; } = new("--prometheus-timeout") { Description = "Per-request timeout", DefaultValueFactory = _ => "30s" };
    public Option<int> Retries { get; } =
        new("--prometheus-retries") { Description = "Retries for transient failures (0-10)", DefaultValueFactory = _ => 3 };
    public Option<int> MaxResponseMiB { get; } =
        new("--prometheus-max-response") { Description = "Largest answer accepted from Prometheus, in MiB", DefaultValueFactory = _ => 32 };
    public Option<int> MaxInFlightMiB { get; } =
        new("--prometheus-max-inflight")
        {
            Description = "Answer bytes all concurrent queries may hold at once, in MiB (one answer may always complete)",
            DefaultValueFactory = _ => 64,
        };
    public Option<int> MaxSeriesPerRelease { get; } =
        new("--prometheus-max-series-per-release")
        {
            Description = "Series one release may have in an answer (its status codes, or its latency buckets)",
            DefaultValueFactory = _ => 500,
        };
    public Option<int> MaxSeries { get; } =
        new("--prometheus-max-series") { Description = "Series one answer may hold in all", DefaultValueFactory = _ => 20_000 };

    public void AddTo(Command command)
    {
        foreach (
            var o in new Option[]
            {
                Url,
                BearerTokenFile,
                BasicAuthFile,
                Headers,
                Timeout,
                Retries,
                MaxResponseMiB,
                MaxInFlightMiB,
                MaxSeriesPerRelease,
                MaxSeries,
            }
        )
            command.Options.Add(o);
    }

    /// <summary>Builds client options or explains exactly which option is wrong.</summary>
    public PrometheusOptions Resolve(ParseResult result)
    {
        var url = result.GetValue(Url) ?? Environment.GetEnvironmentVariable("RELEASERADAR_PROMETHEUS_URL");
        if (string.IsNullOrWhiteSpace(url))
            throw new UsageException("--prometheus is required (or set RELEASERADAR_PROMETHEUS_URL)");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var given) || given.Scheme is not ("http" or "https"))
            throw new UsageException($"--prometheus: '{SafeUrl.Redact(url)}' is not an http(s) URL");
        // Credentials in the URL become basic auth; the URL kept (and ever shown) has none.
        var (uri, user, password) = SafeUrl.SplitUserInfo(given);
        if (!GoDuration.TryParse(result.GetValue(Timeout), out var timeout) || timeout <= TimeSpan.Zero || timeout > TimeSpan.FromMinutes(10))
            throw new UsageException($"--prometheus-timeout: '{result.GetValue(Timeout)}' is not a duration like 30s, at most 10m");
        if (result.GetValue(Retries) is < 0 or > 10)
            throw new UsageException($"--prometheus-retries: {result.GetValue(Retries)} is not between 0 and 10");
        if (result.GetValue(MaxResponseMiB) is < 1 or > 1024)
            throw new UsageException($"--prometheus-max-response: {result.GetValue(MaxResponseMiB)} MiB is not between 1 and 1024");
        if (result.GetValue(MaxInFlightMiB) is < 1 or > 4096)
            throw new UsageException($"--prometheus-max-inflight: {result.GetValue(MaxInFlightMiB)} MiB is not between 1 and 4096");
        if (result.GetValue(MaxSeriesPerRelease) is < 1 or > 100_000)
            throw new UsageException($"--prometheus-max-series-per-release: {result.GetValue(MaxSeriesPerRelease)} is not between 1 and 100000");
        if (result.GetValue(MaxSeries) < result.GetValue(MaxSeriesPerRelease) || result.GetValue(MaxSeries) > 10_000_000)
            throw new UsageException(
                $"--prometheus-max-series: {result.GetValue(MaxSeries)} is not between --prometheus-max-series-per-release and 10000000"
            );

        if (result.GetValue(BasicAuthFile) is { } basicFile)
        {
            var text = ReadSecret(basicFile, "--prometheus-basic-auth-file");
            var colon = text.IndexOf(':');
            if (colon <= 0)
                throw new UsageException($"--prometheus-basic-auth-file: {basicFile} must hold 'user:password'");
            (user, password) = (text[..colon], text[(colon + 1)..]);
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in result.GetValue(Headers) ?? [])
        {
            var colon = h.IndexOf(':');
            if (colon <= 0)
                throw new UsageException($"--prometheus-header: '{h}' must look like 'Name: value'");
            headers[h[..colon].Trim()] = h[(colon + 1)..].Trim();
        }
        var tokenFile = result.GetValue(BearerTokenFile);
        if (tokenFile is not null)
            ReadSecret(tokenFile, "--prometheus-bearer-token-file");
        return new PrometheusOptions
        {
            Url = uri,
            Timeout = timeout,
            MaxRetries = result.GetValue(Retries),
            MaxResponseBytes = result.GetValue(MaxResponseMiB) * 1024L * 1024,
            MaxBytesInFlight = result.GetValue(MaxInFlightMiB) * 1024L * 1024,
            MaxSeriesPerPopulation = result.GetValue(MaxSeriesPerRelease),
            MaxSeriesPerAnswer = result.GetValue(MaxSeries),
            BearerTokenFile = tokenFile,
            BearerToken = tokenFile is null ? Environment.GetEnvironmentVariable("RELEASERADAR_PROMETHEUS_TOKEN") : null,
            Username = user,
            Password = password,
            Headers = headers,
        };
    }

    private static string ReadSecret(string path, string option)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot read {path}: {e.Message}");
        }
    }
}
