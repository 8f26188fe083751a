using System.Buffers;
using System.Text.Json;
using k8s;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store.Fast;

/// <summary>
/// Reads only the start of Kubernetes JSON: a watch event's type and its object's metadata, which the API server writes
/// before the spec and status; or where a Release's history lies in a body. Whatever the order of the properties, the
/// answer is the same (the reader then walks further); only the usual order is fast.
/// </summary>
internal static class WatchHead
{
    /// <summary>The identifying metadata of an object.</summary>
    public readonly record struct Identity(string? Namespace, string? Name, string? ResourceVersion)
    {
        public string? Key => Name is null ? null : Release.KeyOf(Namespace, Name);
    }

    /// <summary>
    /// A watch event's type, its object's identity and where the object starts in the line; null for a blank line.
    /// Throws <see cref="JsonException"/> for anything that is not a watch event.
    /// </summary>
    public static (WatchEventType Type, Identity Object, long ObjectStart)? Read(ReadOnlySequence<byte> line)
    {
        if (IsBlank(line))
            return null;
        var reader = new Utf8JsonReader(line);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException($"a watch event is a JSON object, not {reader.TokenType}");
        string? type = null;
        Identity? identity = null;
        long start = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type =
                    reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("a watch event's type is not a string");
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw new JsonException("a watch event's object is not a JSON object");
                start = reader.TokenStartIndex;
                identity = ReadIdentity(ref reader, stopAfterMetadata: type is not null);
                if (type is not null)
                    break;
            }
            else
                reader.Skip();
        }
        if (type is null || identity is null)
            throw new JsonException("a watch event without a type or an object");
        return (TypeOf(type), identity.Value, start);
    }

    /// <summary>The identity of the JSON object in <paramref name="json"/>.</summary>
    public static Identity ReadMetadata(ReadOnlySequence<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("expected a JSON object");
        return ReadIdentity(ref reader, stopAfterMetadata: true);
    }

    /// <summary>The bytes of status.history in a serialized Release, or empty when it has none.</summary>
    public static ReadOnlyMemory<byte> HistoryJson(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        if (
            !reader.Read()
            || reader.TokenType != JsonTokenType.StartObject
            || !MoveToProperty(ref reader, "status"u8)
            || reader.TokenType != JsonTokenType.StartObject
            || !MoveToProperty(ref reader, "history"u8)
            || reader.TokenType != JsonTokenType.StartArray
        )
            return default;
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return json.AsMemory(start, (int)reader.BytesConsumed - start);
    }

    /// <summary>From an object's StartObject: its metadata, then (unless told to stop there) the rest of the object skipped.</summary>
    private static Identity ReadIdentity(ref Utf8JsonReader reader, bool stopAfterMetadata)
    {
        var identity = default(Identity);
        if (!MoveToProperty(ref reader, "metadata"u8))
            return identity;
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("an object's metadata is not a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
                identity = identity with { Name = StringValue(ref reader) };
            else if (reader.ValueTextEquals("namespace"u8))
                identity = identity with { Namespace = StringValue(ref reader) };
            else if (reader.ValueTextEquals("resourceVersion"u8))
                identity = identity with { ResourceVersion = StringValue(ref reader) };
            else
                reader.Skip();
        }
        if (!stopAfterMetadata)
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                reader.Skip();
        return identity;
    }

    /// <summary>
    /// Inside an object, skips its properties up to <paramref name="name"/> and moves onto that property's value;
    /// false, at the object's end, when it has no such property.
    /// </summary>
    private static bool MoveToProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
                return reader.Read();
            reader.Skip();
        }
        return false;
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
                return false;
        return true;
    }

    private static string? StringValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String
            ? reader.GetString()
            : throw new JsonException("metadata name, namespace and resourceVersion are strings");
    }

    private static WatchEventType TypeOf(string type) =>
        type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => throw new JsonException($"unknown watch event type \"{type}\""),
        };
}
