using System.Globalization;
using System.Net;
using System.Text.Json;
using ReleaseRadar.Core;
using RestSharp;
using RestSharp.Authenticators;

namespace ReleaseRadar.Prometheus;

/// <summary>One series of a query result.</summary>
public sealed record PrometheusSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<PrometheusPoint> Points);
