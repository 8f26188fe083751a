using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Autorest;
using k8s.Models;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store.Fast;

/// <summary>
/// The two calls on Releases made at every interval of every Release, sent through KubernetesClient's HTTP pipeline
/// (credentials, TLS, 429 handling) but read here, because the client reads whole objects where a glance suffices:
/// <list type="bullet">
/// <item>the watch: the client parses every event twice, in full; here each event's head (type, namespace, name,
/// resourceVersion) is read first, and the object only when the caller does not already hold that version (our own
/// status write echoed back, a day's history long, is most of the stream);</item>
/// <item>the status PUT: the answer is the object we sent with a new resourceVersion (the CRD's status schema has no
/// defaults to apply, and every field we write is in it), so only its metadata is read.</item>
/// </list>
/// Every other call goes through the client.
/// </summary>
internal sealed class ReleaseResource(k8s.Kubernetes client)
{
    private static readonly JsonTypeInfo<Release> ReleaseInfo = ReleaseJsonContext.Kubernetes<Release>();
    private static readonly JsonTypeInfo<V1Status> StatusInfo = ReleaseJsonContext.Kubernetes<V1Status>();

    public static ReleaseResource For(IKubernetes client) =>
        new(
            client as k8s.Kubernetes
                ?? throw new ArgumentException("Release calls need KubernetesClient's Kubernetes (its credentials and HTTP pipeline)", nameof(client))
        );

    private static string Collection(string? ns) =>
        ns is null
            ? $"apis/{Release.Group}/{Release.Version}/{Release.Plural}"
            : $"apis/{Release.Group}/{Release.Version}/namespaces/{ns}/{Release.Plural}";

    /// <summary>
    /// Watches Releases from a resourceVersion. Yields every event with its head; the object is read only for additions,
    /// deletions and modifications that <paramref name="absorbed"/> (given key, version and the object's JSON) does not
    /// take as they are (never for bookmarks). As KubernetesClient does, an ERROR event or a line that cannot be read goes
    /// to <paramref name="onError"/>, and the stream goes on unless the caller stops it.
    /// </summary>
    public async IAsyncEnumerable<(WatchEventType Type, WatchedRelease Item)> WatchAsync(
        string? ns,
        string resourceVersion,
        int timeoutSeconds,
        Func<string, string, ReadOnlySequence<byte>, bool> absorbed,
        Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken ct
    )
    {
        var path =
            $"{Collection(ns)}?watch=true&allowWatchBookmarks=true&resourceVersion={Uri.EscapeDataString(resourceVersion)}"
            + $"&timeoutSeconds={timeoutSeconds}";
        using var response = await SendAsync(HttpMethod.Get, path, null, ct);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync("watch", path, response, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (ReadEvent(line, absorbed, onError) is { } ev)
                        yield return ev;
                }
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty && ReadEvent(buffer, absorbed, onError) is { } last)
                        yield return last;
                    break;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>One line of a watch stream, or null for a blank line or one reported to <paramref name="onError"/>.</summary>
    internal static (WatchEventType, WatchedRelease)? ReadEvent(
        ReadOnlySequence<byte> line,
        Func<string, string, ReadOnlySequence<byte>, bool> absorbed,
        Action<Exception> onError
    )
    {
        try
        {
            var head = WatchHead.Read(line);
            if (head is null)
                return null;
            var (type, meta, objectStart) = head.Value;
            var rest = line.Slice(objectStart);
            if (type == WatchEventType.Error)
            {
                var reader = new Utf8JsonReader(rest);
                var status = JsonSerializer.Deserialize(ref reader, StatusInfo);
                onError(new KubernetesException(status ?? new V1Status { Message = "an ERROR watch event without a Status" }));
                return null;
            }
            var item = new WatchedRelease(meta.Key, meta.ResourceVersion, null);
            var skip =
                type == WatchEventType.Bookmark
                || type == WatchEventType.Modified && meta.Key is { } key && meta.ResourceVersion is { Length: > 0 } v && absorbed(key, v, rest);
            if (!skip)
            {
                var (release, problem) = ReleaseDecoder.Decode(rest);
                item = item with { Release = release, Unreadable = release is null ? problem : null };
            }
            return (type, item);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            onError(new JsonException($"a watch event could not be read: {e.Message}", e));
            return null;
        }
    }

    /// <summary>
    /// PUT …/status with the resourceVersion the body carries. Returns the stored Release (the body with the stored
    /// resourceVersion) and the history's JSON as sent, or null on 409 Conflict.
    /// </summary>
    /// <param name="history">The history the status was computed from: entries of the body equal to its own are copied as read.</param>
    public async Task<StoredRelease?> ReplaceStatusAsync(Release body, string fieldManager, HistoryJson? history, CancellationToken ct)
    {
        var ns = body.Metadata.NamespaceProperty ?? "default";
        var path = $"{Collection(ns)}/{Uri.EscapeDataString(body.Metadata.Name)}/status?fieldManager={Uri.EscapeDataString(fieldManager)}";
        var (json, historyJson) = Serialize(body, history);
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await SendAsync(HttpMethod.Put, path, content, ct);
        if (response.StatusCode == HttpStatusCode.Conflict)
            return null;
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync("PUT", path, response, ct);
        var answer = await response.Content.ReadAsByteArrayAsync(ct);
        var stored = WatchHead.ReadMetadata(new ReadOnlySequence<byte>(answer));
        if (stored.ResourceVersion is not { Length: > 0 } version)
            throw new JsonException($"PUT {path} answered {answer.Length} bytes without a resourceVersion");
        var release = body.WithStatus(body.Status);
        release.Metadata = body.Metadata with { ResourceVersion = version };
        release.Unreadable = null; // the status just written is whole
        return new StoredRelease(release, historyJson);
    }

    private static readonly JsonTypeInfo<HistoryEntry> EntryInfo = ReleaseJsonContext.Kubernetes<HistoryEntry>();

    /// <summary>
    /// The body as JSON, and its history's JSON as sent. The history is written apart, reusing the entries read earlier,
    /// and spliced in as the status's last property: the status is the body's last property, so it goes just before the
    /// two closing braces.
    /// </summary>
    internal static (byte[] Json, ReadOnlyMemory<byte> History) Serialize(Release body, HistoryJson? history)
    {
        if (body.Status is not { History: { Count: > 0 } entries } status)
            return (JsonSerializer.SerializeToUtf8Bytes(body, ReleaseInfo), ReadOnlyMemory<byte>.Empty);
        var headless = JsonSerializer.SerializeToUtf8Bytes(body.WithStatus(status with { History = null }), ReleaseInfo);
        var buffer = new ArrayBufferWriter<byte>(headless.Length + entries.Count * 256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
            HistoryJson.Write(writer, entries, history, EntryInfo);
        var array = buffer.WrittenSpan;
        // ...,"status":{...} } → ...,"status":{...,"history":[...]} }
        var statusEnd = headless.Length - 2;
        if (headless.Length < 2 || headless[^1] != (byte)'}' || headless[^2] != (byte)'}')
            throw new JsonException("a serialized Release does not end with its status object");
        var empty = headless[statusEnd - 1] == (byte)'{';
        var prefix = empty ? "\"history\":"u8 : ",\"history\":"u8;
        var json = new byte[headless.Length + prefix.Length + array.Length];
        headless.AsSpan(0, statusEnd).CopyTo(json);
        prefix.CopyTo(json.AsSpan(statusEnd));
        array.CopyTo(json.AsSpan(statusEnd + prefix.Length));
        headless.AsSpan(statusEnd).CopyTo(json.AsSpan(statusEnd + prefix.Length + array.Length));
        return (json, json.AsMemory(statusEnd + prefix.Length, array.Length));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        // As the client's own requests: HTTP/2 where the server offers it, credentials (a token may be refreshed) per request.
        var request = new HttpRequestMessage(method, new Uri(client.BaseUri, path)) { Version = HttpVersion.Version20, Content = content };
        if (client.Credentials is { } credentials)
            await credentials.ProcessHttpRequestAsync(request, ct);
        return await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>
    /// The API server's own words (its Status message) when it refuses, as the client's own calls report a refusal: an
    /// <see cref="HttpOperationException"/> whose response keeps the status code and body.
    /// </summary>
    private static async Task<HttpOperationException> FailureAsync(string what, string path, HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        string? message = null;
        try
        {
            message = JsonSerializer.Deserialize(text, StatusInfo)?.Message;
        }
        catch (JsonException) { }
        message ??= text.Length > 200 ? text[..200] + "…" : text;
        return new HttpOperationException($"{what} {path} answered {(int)response.StatusCode} {response.StatusCode}: {message}")
        {
            Response = new HttpResponseMessageWrapper(response, text),
        };
    }
}
