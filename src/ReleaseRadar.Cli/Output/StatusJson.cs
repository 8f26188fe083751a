using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ReleaseRadar.Api;

namespace ReleaseRadar.Cli.Output;

/// <summary>JSON as the operator writes it into the Release (camelCase, nulls dropped), but indented for people.</summary>
public static class StatusJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ReleaseJsonContext.Default, AnalyzedReleasesJsonContext.Default),
    };

    public static string Serialize(ReleaseStatus status) => JsonSerializer.Serialize(status, Options.GetTypeInfo(typeof(ReleaseStatus)));

    public static string Serialize(IReadOnlyList<AnalyzedRelease> releases) =>
        JsonSerializer.Serialize(releases, Options.GetTypeInfo(typeof(IReadOnlyList<AnalyzedRelease>)));
}
