namespace ReleaseRadar.Operator.Hosting;

public sealed record ApiHealth(string Status, bool Leading, bool CacheSynced, int Releases);
