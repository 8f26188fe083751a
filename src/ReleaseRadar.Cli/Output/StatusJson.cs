using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReleaseRadar.Cli.Output;

/// <summary>JSON as the operator writes it into the Release (camelCase, nulls dropped), but indented for people.</summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
