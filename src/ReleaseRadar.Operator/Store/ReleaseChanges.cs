using k8s;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>Which watched changes of a Release are worth a reconcile: what both stores enqueue.</summary>
internal static class ReleaseChanges
{
    /// <summary>Changing this annotation asks for a reconcile without changing the spec (e.g. after fixing Prometheus).</summary>
    public const string ReanalyzeAnnotation = "releaseradar.io/reanalyze";

    /// <summary>
    /// A new Release, a spec change (generation), a reanalyze request or a deletion; a status-only change (our own write,
    /// or anyone's) is not, and is picked up at the Release's next interval or resync.
    /// </summary>
    public static bool WorthReconciling(WatchEventType type, Release? previous, Release release) =>
        type is WatchEventType.Added or WatchEventType.Deleted
        || previous is null
        || previous.Metadata.Generation != release.Metadata.Generation
        || Annotation(previous, ReanalyzeAnnotation) != Annotation(release, ReanalyzeAnnotation);

    private static string? Annotation(Release r, string key) => r.Metadata.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;
}
