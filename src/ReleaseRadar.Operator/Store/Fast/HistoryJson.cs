using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store.Fast;

/// <summary>
/// A history read from JSON, remembering the bytes of each entry. The controller rewrites a whole status at every
/// interval, but only one or two of its up to 120 history entries change: an entry equal to one read here is written by
/// copying those bytes instead of being formatted again (<see cref="Write"/>).
/// </summary>
internal sealed class HistoryJson
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
        var ranges = new Dictionary<HistoryEntry, Range>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            var entry = JsonSerializer.Deserialize(ref reader, entryInfo);
            if (entry is null)
                continue;
            entries.Add(entry);
            ranges.TryAdd(entry, new Range(start, (int)reader.BytesConsumed));
        }
        return new HistoryJson(json, entries, ranges);
    }

    /// <summary>
    /// Writes <paramref name="history"/> as a JSON array: entries equal to one read here (records compare by value) are
    /// copied as read, the others serialized. Pass no reuse to serialize every entry.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<HistoryEntry> history, HistoryJson? reuse, JsonTypeInfo<HistoryEntry> entryInfo)
    {
        writer.WriteStartArray();
        foreach (var entry in history)
        {
            if (reuse is not null && reuse._ranges.TryGetValue(entry, out var range))
                writer.WriteRawValue(reuse._json.AsSpan(range), skipInputValidation: true); // validated when it was read
            else
                JsonSerializer.Serialize(writer, entry, entryInfo);
        }
        writer.WriteEndArray();
    }
}
