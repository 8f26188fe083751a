using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Api;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.Operator.Store;

/// <summary>
/// The store as KubernetesClient gives it: list in pages, watch (every event read in full), PUT …/status, whole Release
/// objects in a dictionary. The reference for what a store does; <see cref="Fast.PackedReleaseStore"/> does the same
/// at a fraction of the memory and CPU, and both pass the same conformance suite.
/// </summary>
internal sealed class PlainReleaseStore(
    IKubernetes client,
    string? ns,
    OperatorMetrics metrics,
    ILogger logger,
    TimeSpan watchTimeout,
    StatusSeal? seal = null
) : ReleaseCache<Release>(client, ns, metrics, logger, seal), IReleaseStore
{
    public IEnumerable<Release> Items => Cache.Values.Select(Headless);

    public IReadOnlyList<HistoryEntry>? History(string key) => Cache.TryGetValue(key, out var r) ? r.Status?.History ?? [] : null;

    public LoadedRelease? Load(string key) => Cache.TryGetValue(key, out var r) ? new LoadedRelease(r) : null;

    public async Task<LoadedRelease?> ReadAsync(string key, CancellationToken ct)
    {
        if (await ReleaseReads.GetAsync(Client, key, ct) is not { } fresh)
        {
            Cache.TryRemove(key, out _); // the API server says it is gone: no ghost stays in the cache, the API or the gate
            return null;
        }
        Cache.AddOrUpdate(key, fresh, (_, held) => Newer(held, fresh));
        return new LoadedRelease(fresh);
    }

    public async Task<Release?> WriteStatusAsync(LoadedRelease loaded, ReleaseStatus status, CancellationToken ct)
    {
        var r = loaded.Release;
        var body = r.WithStatus(status);
        try
        {
            var stored = await Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<Release>(
                body,
                Release.Group,
                Release.Version,
                r.Metadata.NamespaceProperty ?? "default",
                Release.Plural,
                r.Metadata.Name,
                fieldManager: "release-radar",
                cancellationToken: ct
            );
            stored.Metadata.ManagedFields = null;
            Cache.AddOrUpdate(stored.Key, stored, (_, held) => Newer(held, stored));
            return stored;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    public Task RunAsync(CancellationToken ct) =>
        ListWatchLoop.RunAsync<object>(
            token => RelistAsync(r => r, token),
            (version, onError, token) =>
                Namespace is null
                    ? Client.CustomObjects.WatchListClusterCustomObjectAsync(
                        Release.Group,
                        Release.Version,
                        Release.Plural,
                        allowWatchBookmarks: true,
                        resourceVersion: version,
                        timeoutSeconds: (int)watchTimeout.TotalSeconds,
                        onError: onError,
                        cancellationToken: token
                    )
                    : Client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                        Release.Group,
                        Release.Version,
                        Namespace,
                        Release.Plural,
                        allowWatchBookmarks: true,
                        resourceVersion: version,
                        timeoutSeconds: (int)watchTimeout.TotalSeconds,
                        onError: onError,
                        cancellationToken: token
                    ),
            (type, item, _) =>
            {
                if (item is not JsonElement json)
                    return Task.FromResult<string?>(null);
                var (release, problem) = ReleaseDecoder.Decode(json);
                if (release is null)
                {
                    Skipped(ReleaseDecoder.NameOf(json), problem ?? "unreadable");
                    return Task.FromResult<string?>(null);
                }
                if (type != WatchEventType.Bookmark)
                    Apply(type, release);
                return Task.FromResult<string?>(release.Metadata.ResourceVersion);
            },
            "Releases",
            Logger,
            Restarted,
            ct,
            RelistSignal
        );

    private void Apply(WatchEventType type, Release release)
    {
        release.Metadata.ManagedFields = null;
        var key = release.Key;
        Cache.TryGetValue(key, out var previous);
        if (type == WatchEventType.Deleted)
            Cache.TryRemove(key, out _);
        else
            Cache[key] = release;
        if (WorthReconciling(type, previous, release))
            Enqueue(key);
    }

    /// <summary>Of two versions of one Release, the one the API server stored last (resourceVersions are numbers there).</summary>
    private static Release Newer(Release held, Release fresh) =>
        long.TryParse(held.Metadata.ResourceVersion, out var a) && long.TryParse(fresh.Metadata.ResourceVersion, out var b) && a > b ? held : fresh;

    private static Release Headless(Release r) => r.Status?.History is null ? r : r.WithStatus(r.Status with { History = null });
}
