using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>
/// One page of a Release list: each item read (whole, or in part with the problem named) or, when not even its metadata
/// reads, its name as far as it can be told and why; the list's resourceVersion and continue token.
/// </summary>
public sealed record ReleasePage(IReadOnlyList<(Release? Release, string? Name, string? Problem)> Items, string? Version, string? Continue);
