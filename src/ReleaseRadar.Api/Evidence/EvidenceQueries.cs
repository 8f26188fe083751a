namespace ReleaseRadar.Api.Evidence;

/// <summary>The PromQL a release's traffic is read with, as sent for each step of its population.</summary>
public sealed record EvidenceQueries(string Requests, string LatencyBuckets);
