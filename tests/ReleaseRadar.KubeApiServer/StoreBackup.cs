using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>Every object of an <see cref="ObjectStore"/> and its resourceVersion, as a backup of etcd holds them.</summary>
public sealed record StoreBackup(IReadOnlyDictionary<(string Type, string Ns, string Name), JsonObject> Objects, long ResourceVersion);
