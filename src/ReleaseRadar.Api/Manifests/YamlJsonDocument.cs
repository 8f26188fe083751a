using System.Text.Json.Nodes;

namespace ReleaseRadar.Api.Manifests;

/// <summary>One document as JSON, and the line of every key in it (by dotted path, e.g. spec.analysis.window).</summary>
public sealed record YamlJsonDocument(JsonNode? Root, IReadOnlyDictionary<string, long> Lines);
