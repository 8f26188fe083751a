using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Operator.Kubernetes;

/// <summary>A Release as a status write stored it, with its history's JSON as sent (the cache keeps it packed as is).</summary>
public sealed record StoredRelease(Release Release, ReadOnlyMemory<byte> HistoryJson);
