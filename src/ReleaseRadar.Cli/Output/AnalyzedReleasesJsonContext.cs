using System.Text.Json.Serialization;

namespace ReleaseRadar.Cli.Output;

/// <summary>Compile-time JSON metadata for the CLI's own output shapes (the Release types are in ReleaseJsonContext).</summary>
[JsonSerializable(typeof(IReadOnlyList<AnalyzedRelease>))]
public sealed partial class AnalyzedReleasesJsonContext : JsonSerializerContext;
