using ReleaseRadar.Analysis.Spec;

namespace ReleaseRadar.Analysis.State;

/// <summary>
/// Which release an analysis is about: its key, the spec generation it reads, when it was created (the default deploy
/// time), and its spec. The API project makes one from a Release object.
/// </summary>
public sealed record ReleaseSubject(string? Namespace, string? Name, long? Generation, DateTimeOffset? Created, ReleaseSpec? Spec)
{
    /// <summary>namespace/name, the key the work queue and the API use (no namespace: "default").</summary>
    public string Key => $"{Namespace ?? "default"}/{Name}";
}
