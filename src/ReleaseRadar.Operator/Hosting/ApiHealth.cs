namespace ReleaseRadar.Operator.Hosting;

internal sealed record ApiHealth(string Status, bool Leading, bool CacheSynced, int Releases);
