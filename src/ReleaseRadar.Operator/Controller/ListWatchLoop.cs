using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// The list-then-watch loop every informer needs: list for a consistent snapshot and its resourceVersion, then watch
/// from it, resuming after the server closes the stream. A 410 Gone, which KubernetesClient reports only through
/// onError, forces a fresh list; any other failure backs off exponentially with jitter.
/// </summary>
public static class ListWatchLoop
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
        CancellationToken ct
    )
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                resourceVersion ??= await list(ct);
                var gone = false;
                await foreach (var (type, item) in watch(resourceVersion, e => gone |= IsGone(e), ct).WithCancellation(ct))
                {
                    if (gone)
                        break;
                    resourceVersion = await onEvent(type, item, ct) ?? resourceVersion;
                    failures = 0;
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
                if (IsGone(e) || e is HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.Gone })
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

    public static bool IsGone(Exception e) =>
        e is KubernetesException k && k.Status?.Code == 410
        || e.Message.Contains("too old resource version", StringComparison.OrdinalIgnoreCase)
        || e.Message.Contains("410", StringComparison.Ordinal) && e.Message.Contains("Gone", StringComparison.OrdinalIgnoreCase);
}
