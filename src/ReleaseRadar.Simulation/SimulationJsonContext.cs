using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReleaseRadar.Simulation;

/// <summary>Compile-time JSON metadata for the mock exporter's control endpoints (web defaults, indented for people).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<ServiceState>))]
[JsonSerializable(typeof(ControlError))]
public sealed partial class SimulationJsonContext : JsonSerializerContext;
