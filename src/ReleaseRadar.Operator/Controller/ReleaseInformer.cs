using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// Keeps a cache of Releases in step with the API server by list-then-watch, and feeds keys into the work queue.
/// Watches resume from the last resourceVersion (bookmarks keep it fresh); a 410 Gone, which KubernetesClient reports
/// only through onError, forces a relist; any other failure backs off with jitter. Status-only updates (our own
/// writes) do not enqueue: only new objects, spec changes (generation) and deletions do, plus a periodic resync.
/// </summary>
public sealed class ReleaseInformer(IKubernetes client, string? ns, WorkQueue<string> queue, OperatorMetrics metrics, ILogger logger, TimeSpan watchTimeout)
{
    private readonly ConcurrentDictionary<string, Release> _cache = new();
    private volatile bool _synced;

    public bool Synced => _synced;
    public ICollection<Release> Items => _cache.Values;
    public bool TryGet(string key, out Release? release) => _cache.TryGetValue(key, out release);

    /// <summary>Puts a Release we just wrote into the cache, so readers see our own write before the watch echoes it.</summary>
    public void Store(Release release) => _cache[release.Key] = release;

    public async Task RunAsync(CancellationToken ct)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await RelistAsync(ct);
                    _synced = true;
                }
                var gone = false;
                var timeout = (int)(watchTimeout.TotalSeconds * (0.8 + Random.Shared.NextDouble() * 0.4));
                var events = ns is null
                    ? client.CustomObjects.WatchListClusterCustomObjectAsync(Release.Group, Release.Version, Release.Plural,
                        allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: e => gone |= IsGone(e), cancellationToken: ct)
                    : client.CustomObjects.WatchListNamespacedCustomObjectAsync(Release.Group, Release.Version, ns, Release.Plural,
                        allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: timeout, onError: e => gone |= IsGone(e), cancellationToken: ct);
                await foreach (var (type, obj) in events.WithCancellation(ct))
                {
                    if (gone) break;
                    var release = KubernetesJson.Deserialize<Release>(((JsonElement)obj).GetRawText());
                    resourceVersion = release.Metadata?.ResourceVersion ?? resourceVersion;
                    failures = 0;
                    Apply(type, release);
                }
                if (gone)
                {
                    // The resourceVersion we hold has been compacted away: only a fresh list is consistent.
                    logger.LogInformation("Watch of Releases expired (410 Gone); relisting");
                    metrics.WatchRestarts.WithLabels("gone").Inc();
                    resourceVersion = null;
                }
                else metrics.WatchRestarts.WithLabels("closed").Inc();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or JsonException or KubernetesException or InvalidOperationException)
            {
                failures++;
                if (e is HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.Gone } || IsGone(e)) resourceVersion = null;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(failures, 6))) * (0.5 + Random.Shared.NextDouble()));
                logger.LogWarning("Watching Releases failed ({Error}); retrying in {Delay:0.0}s", e.Message, delay.TotalSeconds);
                metrics.WatchRestarts.WithLabels("error").Inc();
                try { await Task.Delay(delay, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Enqueues every cached key: the periodic resync that heals anything a missed event could have left behind.</summary>
    public void Resync()
    {
        foreach (var key in _cache.Keys) queue.Add(key);
    }

    private async Task<string> RelistAsync(CancellationToken ct)
    {
        var list = ns is null
            ? await client.CustomObjects.ListClusterCustomObjectAsync<ReleaseList>(Release.Group, Release.Version, Release.Plural, cancellationToken: ct)
            : await client.CustomObjects.ListNamespacedCustomObjectAsync<ReleaseList>(Release.Group, Release.Version, ns, Release.Plural, cancellationToken: ct);
        var seen = new HashSet<string>();
        foreach (var r in list.Items)
        {
            seen.Add(r.Key);
            _cache[r.Key] = r;
            queue.Add(r.Key);
        }
        foreach (var stale in _cache.Keys.Where(k => !seen.Contains(k) && (ns is null || k.StartsWith(ns + "/", StringComparison.Ordinal))).ToList())
        {
            _cache.TryRemove(stale, out _);
            queue.Add(stale);
        }
        logger.LogInformation("Listed {Count} Releases{Scope} at resourceVersion {Version}", list.Items.Count, ns is null ? "" : $" in {ns}", list.Metadata?.ResourceVersion);
        return list.Metadata?.ResourceVersion ?? "0";
    }

    private void Apply(WatchEventType type, Release release)
    {
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                var previous = _cache.TryGetValue(release.Key, out var p) ? p : null;
                _cache[release.Key] = release;
                if (previous is null || previous.Metadata.Generation != release.Metadata.Generation || type == WatchEventType.Added
                    || Annotation(previous, ReanalyzeAnnotation) != Annotation(release, ReanalyzeAnnotation))
                    queue.Add(release.Key);
                break;
            case WatchEventType.Deleted:
                _cache.TryRemove(release.Key, out _);
                queue.Add(release.Key);
                break;
        }
    }

    /// <summary>Changing this annotation asks for a reconcile without changing the spec (e.g. after fixing Prometheus).</summary>
    public const string ReanalyzeAnnotation = "releaseradar.io/reanalyze";

    private static string? Annotation(Release r, string key) => r.Metadata.Annotations is { } a && a.TryGetValue(key, out var v) ? v : null;

    private static bool IsGone(Exception e) =>
        e is KubernetesException k && k.Status?.Code == 410
        || e.Message.Contains("too old resource version", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("410", StringComparison.Ordinal) && e.Message.Contains("Gone", StringComparison.OrdinalIgnoreCase);
}
