using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store.Fast;

/// <summary>
/// A Release as the watch cache keeps it. The history (up to 120 entries, most of a day-old status) is held as
/// Brotli-compressed JSON and inflated only for the reconcile that appends to it or the API request that shows it;
/// everything else stays as objects, because listing, filtering and summaries read it on every request. managedFields,
/// which a real API server adds to every object and nothing here reads, are dropped, as controller-runtime's caches do.
/// </summary>
internal sealed class CachedRelease
{
    // Quality 1 with a 64 KiB window: each Release is packed once per interval, so at 10,000 Releases quality 4 made
    // compression a tenth of the operator's CPU; quality 1 costs a little ratio on this repetitive JSON for much less CPU.
    private const int Quality = 1;
    private const int Window = 16;

    private readonly byte[]? _history;
    private readonly int _historyLength;

    /// <summary>The Release without its history: what listings, filters and summaries need.</summary>
    public Release Head { get; }

    public int HistoryCount { get; }

    private CachedRelease(Release head, byte[]? history, int historyLength, int count)
    {
        Head = head;
        _history = history;
        _historyLength = historyLength;
        HistoryCount = count;
    }

    private static readonly JsonTypeInfo<List<HistoryEntry>> HistoryInfo = ReleaseJsonContext.Kubernetes<List<HistoryEntry>>();
    private static readonly JsonTypeInfo<HistoryEntry> EntryInfo = ReleaseJsonContext.Kubernetes<HistoryEntry>();

    /// <param name="release">The Release; its managedFields are dropped.</param>
    /// <param name="historyJson">Its history as already serialized (a status write has just sent it), or empty to serialize it here.</param>
    public static CachedRelease Pack(Release release, ReadOnlyMemory<byte> historyJson = default)
    {
        release.Metadata.ManagedFields = null;
        var history = release.Status?.History;
        if (history is not { Count: > 0 } || release.Status is not { } status)
            return new CachedRelease(release, null, 0, 0);
        ReadOnlySpan<byte> raw = historyJson.IsEmpty ? JsonSerializer.SerializeToUtf8Bytes(history, HistoryInfo) : historyJson.Span;
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(raw.Length));
        byte[] packed;
        try
        {
            if (!BrotliEncoder.TryCompress(raw, buffer, out var written, Quality, Window))
                throw new InvalidOperationException("Brotli could not compress a history into its maximum compressed length");
            packed = buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var head = release.WithStatus(status with { History = null });
        return new CachedRelease(head, packed, raw.Length, history.Count);
    }

    public List<HistoryEntry> History() => Inflate() is { } raw ? JsonSerializer.Deserialize(raw, HistoryInfo) ?? [] : [];

    /// <summary>The history's JSON, decompressed, or null when there is none.</summary>
    private byte[]? Inflate()
    {
        if (_history is null)
            return null;
        var raw = new byte[_historyLength];
        if (!BrotliDecoder.TryDecompress(_history, raw, out var written) || written != raw.Length)
            throw new InvalidOperationException("a cached history did not decompress to its recorded length");
        return raw;
    }

    /// <summary>The whole Release, history included (inflated anew on each call).</summary>
    public Release Unpack() => With(History());

    /// <summary>The whole Release, and its history's JSON for a status write to copy the entries it keeps.</summary>
    public Release Unpack(out HistoryJson? history)
    {
        history = Inflate() is { } raw ? HistoryJson.Read(raw, EntryInfo) : null;
        return With(history?.Entries ?? []);
    }

    /// <summary>The head with <paramref name="history"/> put back (the head itself when the Release has no history).</summary>
    private Release With(List<HistoryEntry> history) => _history is null ? Head : Head.WithStatus(Head.Status! with { History = history });
}
