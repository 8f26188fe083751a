using System.Text.Json.Serialization;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>Compile-time JSON metadata for every answer of the read-only API (and so for its OpenAPI document).</summary>
[JsonSerializable(typeof(ApiHealth))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(GateDecision))]
[JsonSerializable(typeof(AnalysisResponse))]
[JsonSerializable(typeof(ReleaseView))]
[JsonSerializable(typeof(ReleaseRadar.Api.SuspectsReport))]
[JsonSerializable(typeof(List<ReleaseSummary>))]
[JsonSerializable(typeof(List<TimelineItem>))]
[JsonSerializable(typeof(List<VocabularyWord>))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
