using System.Globalization;
using System.Net;
using System.Text.Json;
using ReleaseRadar.Core;
using RestSharp;
using RestSharp.Authenticators;

namespace ReleaseRadar.Prometheus;

public sealed record PrometheusResult(string ResultType, IReadOnlyList<PrometheusSeries> Series, IReadOnlyList<string> Warnings);
