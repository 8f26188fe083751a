using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// The list-then-watch loop every informer needs: list for a consistent snapshot and its resourceVersion, then watch
/// from it, resuming after the server closes the stream. A 410 Gone, which KubernetesClient reports only through
/// onError, forces a fresh list, as does a 504 "Too large resource version" (the server's state went back, as after an
/// etcd restore); so does any other error reported there (an event the client could not read), after
/// the backoff that every other failure gets too: exponential, with jitter.
/// </summary>
internal static class ListWatchLoop
{
    /// <param name="list">Lists and returns the collection's resourceVersion.</param>
    /// <param name="watch">Opens a watch from a resourceVersion; the callback receives errors reported out of band.</param>
    /// <param name="onEvent">Handles one event; returns the object's resourceVersion.</param>
    /// <param name="restarted">Told why the watch restarted: "gone", "closed" or "error".</param>
    public static async Task RunAsync<T>(
        Func<CancellationToken, Task<string>> list,
        Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<WatchEventType, T, CancellationToken, Task<string?>> onEvent,
        string what,
        ILogger logger,
        Action<string>? restarted,
        CancellationToken ct,
        RelistSignal? relist = null
    )
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (relist?.Take() == true)
                    resourceVersion = null;
                resourceVersion ??= await list(ct);
                var gone = false;
                Exception? unreadable = null;
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                relist?.Watching(stop);
                void OnError(Exception e)
                {
                    // The client reports out of band what it could not read, then goes on: an event lost that way would
                    // leave the cache stale without a word, so stop and list afresh (with backoff, below).
                    if (IsGone(e))
                        gone = true;
                    else
                        unreadable ??= e;
                    stop.Cancel();
                }
                try
                {
                    await foreach (var (type, item) in watch(resourceVersion, OnError, stop.Token).WithCancellation(stop.Token))
                    {
                        if (gone || unreadable is not null)
                            break;
                        resourceVersion = await onEvent(type, item, ct) ?? resourceVersion;
                        failures = 0;
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested) { }
                finally
                {
                    relist?.Watching(null);
                }
                if (unreadable is not null)
                {
                    resourceVersion = null;
                    throw new InvalidOperationException($"the watch reported an error: {unreadable.Message}", unreadable);
                }
                if (gone)
                {
                    // The resourceVersion we hold has been compacted away: only a fresh list is consistent.
                    logger.LogInformation("Watch of {What} expired (410 Gone); relisting", what);
                    resourceVersion = null;
                    restarted?.Invoke("gone");
                }
                else
                    restarted?.Invoke("closed");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
                when (e
                        is HttpOperationException
                            or HttpRequestException
                            or IOException
                            or JsonException
                            or KubernetesException
                            or InvalidOperationException
                )
            {
                failures++;
                if (IsGone(e) || e is HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.Gone } || IsAhead(e))
                    resourceVersion = null;
                var delay = TimeSpan.FromMilliseconds(
                    Math.Min(30_000, 500 * Math.Pow(2, Math.Min(failures, 6))) * (0.5 + Random.Shared.NextDouble())
                );
                logger.LogWarning("Watching {What} failed ({Error}); retrying in {Delay:0.0}s", what, e.Message, delay.TotalSeconds);
                restarted?.Invoke("error");
                try
                {
                    await Task.Delay(delay, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// The resourceVersion we hold is ahead of the server's: its state was restored from a backup (or it is a member that
    /// lags), and only a fresh list is consistent; resuming would wait forever for versions it will not reach in order.
    /// </summary>
    public static bool IsAhead(Exception e) =>
        (e is HttpOperationException h ? h.Response?.Content ?? h.Message : e.Message).Contains(
            "Too large resource version",
            StringComparison.OrdinalIgnoreCase
        );

    public static bool IsGone(Exception e) =>
        e is KubernetesException k && k.Status?.Code == 410
        || e.Message.Contains("too old resource version", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("410", StringComparison.Ordinal) && e.Message.Contains("Gone", StringComparison.OrdinalIgnoreCase);
}
