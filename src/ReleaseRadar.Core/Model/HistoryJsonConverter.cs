using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ReleaseRadar.Core.Model;

/// <summary>
/// Writes a status history as usual, except that entries read by the <see cref="HistoryJson"/> in effect are copied
/// as read (see <see cref="HistoryJson.Reusing"/>). Reads as usual.
/// </summary>
public sealed class HistoryJsonConverter : JsonConverter<List<HistoryEntry>>
{
    // The list's own metadata, not this property's: its converter is the plain one, so these calls do not come back here.
    private static JsonTypeInfo<List<HistoryEntry>> ListInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<List<HistoryEntry>>)options.GetTypeInfo(typeof(List<HistoryEntry>));

    public override List<HistoryEntry>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, ListInfo(options));

    public override void Write(Utf8JsonWriter writer, List<HistoryEntry> value, JsonSerializerOptions options)
    {
        var reused = HistoryJson.Reused;
        if (reused is null)
        {
            JsonSerializer.Serialize(writer, value, ListInfo(options));
            return;
        }
        var entryInfo = (JsonTypeInfo<HistoryEntry>)options.GetTypeInfo(typeof(HistoryEntry));
        writer.WriteStartArray();
        foreach (var entry in value)
        {
            if (reused.TryGet(entry, out var json))
                writer.WriteRawValue(json, skipInputValidation: true); // validated when it was read
            else
                JsonSerializer.Serialize(writer, entry, entryInfo);
        }
        writer.WriteEndArray();
    }
}
