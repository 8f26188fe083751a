using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store.Fast;

/// <summary>A Release as a status write stored it, with its history's JSON as sent (the cache keeps it packed as is).</summary>
internal sealed record StoredRelease(Release Release, ReadOnlyMemory<byte> HistoryJson);
