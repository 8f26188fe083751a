using k8s;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>Which watched changes of a Release are worth a reconcile: what both stores enqueue.</summary>
internal static class ReleaseChanges
{
    /// <summary>Changing this annotation asks for a reconcile without changing the spec (e.g. after fixing Prometheus).</summary>
    public const string ReanalyzeAnnotation = "releaseradar.io/reanalyze";

    /// <summary>
    /// A new Release, a spec change (generation), a reanalyze request or a deletion; a status-only change is not (our own
    /// write is picked up at the Release's next interval), unless its seal says someone else wrote it (the stores ask
    /// <see cref="StatusSeal"/> for that).
    /// </summary>
    public static bool WorthReconciling(WatchEventType type, Release? previous, Release release) =>
        type is WatchEventType.Added or WatchEventType.Deleted
        || previous is null
        || previous.Metadata.Generation != release.Metadata.Generation
        || Annotation(previous, ReanalyzeAnnotation) != Annotation(release, ReanalyzeAnnotation);

    private static string? Annotation(Release r, string key) => r.Metadata.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;
}
