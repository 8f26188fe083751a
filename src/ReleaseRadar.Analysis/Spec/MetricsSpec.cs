namespace ReleaseRadar.Analysis.Spec;

/// <summary>
/// Metric names; the defaults follow the de-facto conventions (http_requests_total with a code label, http_request_duration_seconds).
/// </summary>
public sealed record MetricsSpec
{
    public string? Requests { get; init; }
    public string? StatusLabel { get; init; }

    /// <summary>Anchored regular expression of status codes that count as errors (default [45]..).</summary>
    public string? ErrorCodes { get; init; }

    /// <summary>Anchored regular expression of status codes that count as server errors (default 5..).</summary>
    public string? ServerErrorCodes { get; init; }
    public string? LatencyHistogram { get; init; }
}
