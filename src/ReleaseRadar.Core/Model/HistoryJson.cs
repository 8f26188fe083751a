using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ReleaseRadar.Core.Model;

/// <summary>
/// A history read from JSON, remembering where each entry's bytes lie. The controller rewrites a whole status at every
/// interval, but only one or two of its up to 120 history entries change: while <see cref="Reusing"/> is in effect, the
/// entries still the very objects read here are copied as read instead of being formatted again.
/// </summary>
public sealed class HistoryJson
{
    private readonly byte[] _json;
    private readonly Dictionary<HistoryEntry, Range> _ranges;

    public List<HistoryEntry> Entries { get; }

    private HistoryJson(byte[] json, List<HistoryEntry> entries, Dictionary<HistoryEntry, Range> ranges)
    {
        _json = json;
        Entries = entries;
        _ranges = ranges;
    }

    /// <summary>Reads a JSON array of history entries.</summary>
    public static HistoryJson Read(byte[] json, JsonTypeInfo<HistoryEntry> entryInfo)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("a history is a JSON array");
        var entries = new List<HistoryEntry>();
        var ranges = new Dictionary<HistoryEntry, Range>(ReferenceEqualityComparer.Instance);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            var entry = JsonSerializer.Deserialize(ref reader, entryInfo);
            if (entry is null)
                continue;
            entries.Add(entry);
            ranges[entry] = new Range(start, (int)reader.BytesConsumed);
        }
        return new HistoryJson(json, entries, ranges);
    }

    /// <summary>The bytes <paramref name="entry"/> was read from, if it is one of the objects read here.</summary>
    internal bool TryGet(HistoryEntry entry, out ReadOnlySpan<byte> json)
    {
        if (_ranges.TryGetValue(entry, out var range))
        {
            json = _json.AsSpan(range);
            return true;
        }
        json = default;
        return false;
    }

    [ThreadStatic]
    private static HistoryJson? _reused;

    internal static HistoryJson? Reused => _reused;

    /// <summary>
    /// Until disposed, histories serialized on this thread copy the entries read here. Serialization is synchronous, so
    /// a thread-local scope covers exactly the one call made inside it.
    /// </summary>
    public ReuseScope Reusing()
    {
        var previous = _reused;
        _reused = this;
        return new ReuseScope(previous);
    }

    public readonly struct ReuseScope(HistoryJson? previous) : IDisposable
    {
        public void Dispose() => _reused = previous;
    }
}
