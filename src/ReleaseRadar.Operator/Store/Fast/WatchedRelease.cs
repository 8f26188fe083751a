using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store.Fast;

/// <summary>
/// One watch event's Release: its key and resourceVersion always, the object itself only when it was read (not for a
/// bookmark, nor for a version the reader already held). <paramref name="Unreadable"/>: why an object that had to be
/// read could not be, even in part (the stream goes on without it).
/// </summary>
internal sealed record WatchedRelease(string? Key, string? ResourceVersion, Release? Release, string? Unreadable = null);
