using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>A Release as a store loaded it for a reconcile, with what only that store needs to write its status back.</summary>
/// <param name="WriteContext">The store's own (a packed store keeps the history's bytes here); null for a plain one.</param>
internal sealed record LoadedRelease(Release Release, object? WriteContext = null);
