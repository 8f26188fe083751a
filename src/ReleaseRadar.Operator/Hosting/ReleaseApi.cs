using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>One release in a list: what was deployed and what Release Radar thinks of it now.</summary>
public sealed record ReleaseSummary(
    string Namespace, string Name, string? Version, string? Commit, string? Target, string? DeployedAt,
    string? Phase, string? Verdict, int? RiskScore, double? ErrorRate, double? LatencyP95, double? Throughput,
    string? LastAnalysisTime, string? Summary);

/// <summary>Everything about one release's analysis: values, baseline, reasons, score, conditions and history.</summary>
public sealed record ReleaseAnalysis(
    ReleaseSummary Release, IReadOnlyList<string> Reasons, MetricValues? Current, MetricValues? Baseline, ControlValues? Control,
    IReadOnlyList<MetricStatus> Metrics, IReadOnlyList<ReleaseCondition> Conditions, IReadOnlyList<HistoryEntry> History,
    TimeRange? AnalysisWindow, TimeRange? BaselineWindow, IReadOnlyList<ActionRecord> Actions);

/// <summary>A release on the timeline, with how its verdict evolved.</summary>
public sealed record TimelineItem(ReleaseSummary Release, IReadOnlyList<HistoryEntry> History);

/// <summary>
/// A deployment gate's answer (Argo Rollouts' web metric, a pipeline step): always a decision, never a missing key or a
/// 404 while the release is still being created or warming up. "wait" holds the gate, "pass" and "fail" are final.
/// </summary>
public sealed record GateDecision(string Decision, string Verdict, string Phase, string Reason);

public sealed record ApiHealth(string Status, bool Leading, bool CacheSynced, int Releases);

public sealed record ApiError(string Error);

/// <summary>
/// The read-only HTTP API. Every answer comes from the replica's watch cache, never from a call to the API server per
/// request. Only Release objects are exposed, and only fields that carry no secret (a Release holds none; Prometheus
/// credentials live in the operator's own configuration and never reach these types).
/// </summary>
public static class ReleaseApi
{
    public static void Map(IEndpointRouteBuilder app, Func<IReadOnlyCollection<Release>> releases, Func<bool> synced, Func<bool> leading)
    {
        app.MapGet("/health", () => new ApiHealth(synced() ? "ok" : "syncing", leading(), synced(), releases().Count))
            .WithName("health").WithSummary("Liveness of the API and the state of its cache");

        app.MapGet("/releases", (string? @namespace, string? target, string? verdict) =>
                Filter(releases(), @namespace, target, verdict).OrderByDescending(r => r.Spec.DeployedAt ?? Created(r), StringComparer.Ordinal).Select(Summary).ToList())
            .WithName("listReleases").WithSummary("Releases, newest first; filter by namespace, target (Deployment name) and verdict");

        app.MapGet("/analysis/{namespace}/{name}", (string @namespace, string name) =>
                releases().FirstOrDefault(r => (r.Metadata.NamespaceProperty ?? "default") == @namespace && r.Metadata.Name == name) is { } r
                    ? Results.Ok(Analysis(r))
                    : Results.NotFound(new ApiError($"Release {@namespace}/{name} not found")))
            .WithName("getAnalysis").WithSummary("One release's analysis: values, baseline, reasons, score, conditions and history")
            .Produces<ReleaseAnalysis>().Produces<ApiError>(StatusCodes.Status404NotFound);

        app.MapGet("/gate/{namespace}/{name}", (string @namespace, string name) =>
                Gate(releases().FirstOrDefault(r => (r.Metadata.NamespaceProperty ?? "default") == @namespace && r.Metadata.Name == name), $"{@namespace}/{name}"))
            .WithName("gate").WithSummary("A deployment gate's decision for one release: wait, pass or fail (always 200)");

        app.MapGet("/timeline", (string? @namespace, string? target) =>
                Filter(releases(), @namespace, target, null).OrderBy(r => r.Spec.DeployedAt ?? Created(r), StringComparer.Ordinal)
                    .Select(r => new TimelineItem(Summary(r), r.Status?.History ?? [])).ToList())
            .WithName("timeline").WithSummary("Releases in deploy order with the evolution of their verdicts");
    }

    private static IEnumerable<Release> Filter(IEnumerable<Release> releases, string? ns, string? target, string? verdict) =>
        releases.Where(r => (ns is null or "" || (r.Metadata.NamespaceProperty ?? "default") == ns)
                            && (target is null or "" || r.Spec.Target?.Name == target)
                            && (verdict is null or "" || string.Equals(r.Status?.Verdict ?? Pending, verdict, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Only a completed OK passes; RIESGOSO fails as soon as it is seen; a window that ends without enough data fails too,
    /// because a gate must never promote what nobody could judge. Everything else waits.
    /// </summary>
    public static GateDecision Gate(Release? r, string key)
    {
        if (r is null) return new("wait", Pending, "NotFound", $"Release {key} does not exist yet");
        var verdict = r.Status?.Verdict ?? Pending;
        var phase = r.Status?.Phase ?? "Pending";
        var summary = r.Status?.Reasons?.FirstOrDefault() ?? "not analysed yet";
        return (phase, verdict) switch
        {
            (_, "RIESGOSO") => new("fail", verdict, phase, summary),
            ("Invalid", _) => new("fail", verdict, phase, "the Release is invalid: " + summary),
            ("Completed", "OK") => new("pass", verdict, phase, summary),
            ("Completed", _) => new("fail", verdict, phase, "the analysis window ended without enough data to call the release OK: " + summary),
            _ => new("wait", verdict, phase, summary),
        };
    }

    /// <summary>The verdict of a release that has none yet, spelled out so that no client meets a missing key.</summary>
    public const string Pending = "PENDIENTE";

    public static ReleaseSummary Summary(Release r) => new(
        r.Metadata.NamespaceProperty ?? "default", r.Metadata.Name, r.Spec.Version, r.Spec.Commit, r.Spec.Target?.Name,
        r.Spec.DeployedAt ?? Created(r), r.Status?.Phase ?? "Pending", r.Status?.Verdict ?? Pending, r.Status?.RiskScore,
        r.Status?.Current?.ErrorRate, r.Status?.Current?.LatencyP95, r.Status?.Current?.Throughput, r.Status?.LastAnalysisTime,
        r.Status?.Reasons?.FirstOrDefault());

    private static ReleaseAnalysis Analysis(Release r) => new(
        Summary(r), r.Status?.Reasons ?? [], r.Status?.Current, r.Status?.Baseline, r.Status?.Control, r.Status?.Metrics ?? [],
        r.Status?.Conditions ?? [], r.Status?.History ?? [], r.Status?.AnalysisWindow, r.Status?.BaselineWindow, r.Status?.Actions ?? []);

    private static string Created(Release r) =>
        r.Metadata.CreationTimestamp is { } c ? Core.Planning.Rfc3339.Format(new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc))) : "";
}
