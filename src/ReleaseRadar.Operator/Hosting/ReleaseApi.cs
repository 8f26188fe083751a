using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Analysis.Suspects;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>
/// The read-only HTTP API. Every answer comes from the replica's watch cache, never from a call to the API server per
/// request. Only Release objects are exposed, and only fields that carry no secret (a Release holds none; Prometheus
/// credentials live in the operator's own configuration and never reach these types).
/// </summary>
internal static class ReleaseApi
{
    /// <param name="releases">The cached Releases; their histories may be left out (the cache keeps them packed).</param>
    /// <param name="history">One Release's history, read from the cache only for the answers that show it.</param>
    public static void Map(
        IEndpointRouteBuilder app,
        Func<IReadOnlyCollection<Release>> releases,
        Func<Release, IReadOnlyList<HistoryEntry>> history,
        Func<bool> synced,
        Func<bool> leading,
        Func<Release, bool> trusted,
        ReleaseStepReader? steps = null,
        SuspectSearch? suspects = null
    )
    {
        app.MapGet("/health", () => new ApiHealth(synced() ? "ok" : "syncing", leading(), synced(), releases().Count))
            .WithName("health")
            .WithSummary("Liveness of the API and the state of its cache");

        app.MapGet(
                "/releases",
                async (HttpContext ctx, string? @namespace, string? target, string? verdict) =>
                    (await ApiAccess.VisibleAsync(ctx, Filter(releases(), @namespace, target, verdict)))
                        .OrderByDescending(r => r.Spec.DeployedAt ?? Created(r), StringComparer.Ordinal)
                        .Select(Summary)
                        .ToList()
            )
            .WithName("listReleases")
            .WithSummary("Releases, newest first; filter by namespace, target (Deployment name) and verdict");

        app.MapGet(
                "/analysis/{namespace}/{name}",
                (string @namespace, string name) =>
                    releases().FirstOrDefault(r => (r.Metadata.NamespaceProperty ?? "default") == @namespace && r.Metadata.Name == name) is { } r
                        ? Results.Ok(Analysis(r, history(r)))
                        : Results.NotFound(new ApiError($"Release {@namespace}/{name} not found"))
            )
            .WithName("getAnalysis")
            .WithSummary("One release's analysis: values, baseline, reasons, score, conditions and history")
            .Produces<AnalysisResponse>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        app.MapGet(
                "/view/{namespace}/{name}",
                async (HttpContext ctx, string @namespace, string name) =>
                {
                    // Access is checked by ApiAccess, as for /analysis: get on releases in the namespace.
                    var r = releases().FirstOrDefault(x => (x.Metadata.NamespaceProperty ?? "default") == @namespace && x.Metadata.Name == name);
                    if (r is null)
                        return Results.NotFound(new ApiError($"Release {@namespace}/{name} not found"));
                    var read = steps is null
                        ? new ReleaseStepReader.Read(null, null, "no Prometheus to read the steps from")
                        : await steps.ReadAsync(r, ctx.RequestAborted);
                    return Results.Ok(ReleaseViewBuilder.Build(r, history(r), read.Plan, read.Steps, read.Problem));
                }
            )
            .WithName("getReleaseView")
            .WithSummary("One release against its baseline over time: per-step values, the baseline's level and spread, analyses, marks, reasons")
            .Produces<ReleaseView>()
            .Produces<ApiError>(StatusCodes.Status404NotFound);

        app.MapGet(
                "/suspects",
                async (
                    HttpContext ctx,
                    string? service,
                    string? metric,
                    string? since,
                    string? at,
                    string? label,
                    string[]? selector,
                    string[]? calls,
                    string? mesh
                ) =>
                {
                    if (suspects is null)
                        return Results.NotFound(new ApiError("no Prometheus to read the symptom from"));
                    if (string.IsNullOrEmpty(service))
                        return Results.BadRequest(new ApiError("service is required: the service that shows the symptom"));
                    var now = DateTimeOffset.UtcNow;
                    if (!GoDuration.TryParse(since ?? "2h", out var back) || back <= TimeSpan.Zero || back > TimeSpan.FromDays(1))
                        return Results.BadRequest(new ApiError($"since: '{since}' is not a duration from 1s to 24h"));
                    if (at is not null && (!Rfc3339.TryParse(at, out now) || now > DateTimeOffset.UtcNow))
                        return Results.BadRequest(new ApiError($"at: '{at}' is not an RFC 3339 time in the past"));
                    var symptom = SymptomWords.Parse(metric);
                    if (symptom is not { } m)
                        return Results.BadRequest(new ApiError($"metric: '{metric}' is none of {string.Join(", ", SymptomWords.Accepted)}"));
                    if (!SymptomQuery.TryPairs(selector, out var scope, out var badSelector))
                        return Results.BadRequest(new ApiError($"selector: '{badSelector}' is not of the form name=value"));
                    // Who calls whom, as caller=callee pairs (what `--calls` gives the CLI).
                    if (!SymptomQuery.TryPairs(calls, out var graph, out var badCall))
                        return Results.BadRequest(new ApiError($"calls: '{badCall}' is not of the form caller=callee"));
                    // Across the namespaces the caller may read (under --api-auth), as the lists are.
                    var visible = await ApiAccess.VisibleAsync(ctx, releases());
                    var query = new SymptomQuery(
                        service,
                        label ?? "service",
                        m,
                        back,
                        now,
                        scope.ToDictionary(StringComparer.Ordinal),
                        SymptomQuery.Graph(graph),
                        // The mesh's calls are read where there are any: Istio's metric, unless the API is told none.
                        mesh == "none"
                            ? null
                            : MeshLabels.Istio
                    );
                    try
                    {
                        return Results.Ok(SuspectsReport.Of(service, await suspects.FindAsync(visible, query, ctx.RequestAborted)));
                    }
                    catch (ReleaseRadar.Analysis.MetricSourceException e)
                        when (e.Reason == ReleaseRadar.Analysis.MetricSourceException.NoSeriesMatched)
                    {
                        return Results.NotFound(new ApiError(e.Message));
                    }
                    catch (Analysis.MetricSourceException e)
                    {
                        return Results.Json(
                            new ApiError($"{e.Reason}: {e.Message}"),
                            ApiJsonContext.Default.ApiError,
                            statusCode: StatusCodes.Status502BadGateway
                        );
                    }
                }
            )
            .WithName("suspects")
            .WithSummary("Which release broke it: the releases deployed in the look-back, ranked for a symptom, or none of these")
            .Produces<SuspectsReport>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest);

        app.MapGet(
                "/gate/{namespace}/{name}",
                (string @namespace, string name) =>
                    Gate(
                        releases().FirstOrDefault(r => (r.Metadata.NamespaceProperty ?? "default") == @namespace && r.Metadata.Name == name),
                        $"{@namespace}/{name}",
                        trusted
                    )
            )
            .WithName("gate")
            .WithSummary("A deployment gate's decision for one release: wait, pass or fail (always 200)");

        app.MapGet("/vocabulary", () => Vocabulary.Words.Select(v => new VocabularyWord(v.Word, v.Meaning, v.Kind)).ToList())
            .WithName("vocabulary")
            .WithSummary("Every verdict word (the user's own Spanish), what it means, and its kind (ok, risky, insufficient, pending, invalid)");

        app.MapGet(
                "/timeline",
                async (HttpContext ctx, string? @namespace, string? target) =>
                    (await ApiAccess.VisibleAsync(ctx, Filter(releases(), @namespace, target, null)))
                        .OrderBy(r => r.Spec.DeployedAt ?? Created(r), StringComparer.Ordinal)
                        .Select(r => new TimelineItem(Summary(r), history(r)))
                        .ToList()
            )
            .WithName("timeline")
            .WithSummary("Releases in deploy order with the evolution of their verdicts");
    }

    private static IEnumerable<Release> Filter(IEnumerable<Release> releases, string? ns, string? target, string? verdict) =>
        releases.Where(r =>
            (ns is null or "" || (r.Metadata.NamespaceProperty ?? "default") == ns)
            && (target is null or "" || r.Spec.Target?.Name == target)
            && (verdict is null or "" || string.Equals(StatusWire.Classification(r.Status), verdict, StringComparison.OrdinalIgnoreCase))
        );

    /// <summary>
    /// Only a completed OK passes; a risky verdict fails as soon as it is seen; a window that ends without enough data, or a
    /// rollout replaced before it ended (Superseded), fails too, because a gate must never promote what nobody could judge.
    /// Everything else waits, and so does a status the operator did not write (its seal does not match): the gate answers
    /// from the verdict the operator computed, never from whatever the status says.
    /// </summary>
    public static GateDecision Gate(Release? r, string key, Func<Release, bool> trusted)
    {
        if (r is null)
            return new("wait", StatusWire.Classification(null, null), "NotFound", $"Release {key} does not exist yet");
        var pending = StatusWire.Word(ReleasePhase.Pending);
        var word = StatusWire.Classification(r.Status);
        var phase = r.Status?.Phase ?? pending;
        if (!trusted(r))
            return new(
                "wait",
                word,
                phase,
                "the status was not written by Release Radar (its seal does not match): the operator is re-deriving it from Prometheus"
            );
        var summary = r.Status?.Reasons?.FirstOrDefault() ?? "not analysed yet";
        return (r.Status.PhaseValue, r.Status.VerdictValue) switch
        {
            (_, Verdict.Risky) => new("fail", word, phase, summary),
            // An invalid spec has no reasons (it was never analysed): its SpecValid condition names what is wrong.
            (ReleasePhase.Invalid, _) => new(
                "fail",
                word,
                phase,
                "the Release is invalid: "
                    + (r.Status?.Conditions?.FirstOrDefault(c => c.Type == nameof(ConditionType.SpecValid))?.Message ?? summary)
            ),
            // Its rollout was replaced before the window ended: what the gate guards never ran long enough to be judged.
            (ReleasePhase.Superseded, _) => new("fail", word, phase, "the Release was superseded before its window ended: " + summary),
            (ReleasePhase.Completed, Verdict.Ok) => new("pass", word, phase, summary),
            (ReleasePhase.Completed, _) => new(
                "fail",
                word,
                phase,
                "the analysis window ended without enough data to call the release OK: " + summary
            ),
            _ => new("wait", word, phase, summary),
        };
    }

    public static ReleaseSummary Summary(Release r) =>
        new(
            r.Metadata.NamespaceProperty ?? "default",
            r.Metadata.Name,
            r.Spec.Version,
            r.Spec.Commit,
            r.Spec.Target?.Name,
            r.Spec.DeployedAt ?? Created(r),
            r.Status?.Phase ?? StatusWire.Word(ReleasePhase.Pending),
            StatusWire.Classification(r.Status),
            r.Status?.RiskScore,
            r.Status?.Current?.ErrorRate,
            r.Status?.Current?.LatencyP95,
            r.Status?.Current?.Throughput,
            r.Status?.LastAnalysisTime,
            r.Status?.Reasons?.FirstOrDefault()
        );

    private static AnalysisResponse Analysis(Release r, IReadOnlyList<HistoryEntry> history) =>
        new(
            Summary(r),
            r.Status?.Reasons ?? [],
            r.Status?.Current,
            r.Status?.Baseline,
            r.Status?.Control,
            r.Status?.Metrics ?? [],
            r.Status?.Conditions ?? [],
            history,
            r.Status?.AnalysisWindow,
            r.Status?.BaselineWindow,
            r.Status?.Actions ?? []
        );

    private static string Created(Release r) =>
        r.Metadata.CreationTimestamp is { } c ? Rfc3339.Format(new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc))) : "";
}
