using System.Text.RegularExpressions;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>Metric names and status-code classes used to build queries.</summary>
public sealed record MetricNames(string Requests, string StatusLabel, Regex ErrorCodes, Regex ServerErrorCodes, string LatencyHistogram);
