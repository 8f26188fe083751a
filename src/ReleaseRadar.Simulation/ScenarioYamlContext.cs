using YamlDotNet.Serialization;

namespace ReleaseRadar.Simulation;

/// <summary>YamlDotNet's generated (reflection-free) readers for the scenario file's types.</summary>
[YamlStaticContext]
[YamlSerializable(typeof(ScenarioFile))]
[YamlSerializable(typeof(ServiceEntry))]
[YamlSerializable(typeof(DeploymentEntry))]
[YamlSerializable(typeof(IncidentEntry))]
public sealed partial class ScenarioYamlContext : StaticContext;
