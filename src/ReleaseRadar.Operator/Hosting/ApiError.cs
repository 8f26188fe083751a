namespace ReleaseRadar.Operator.Hosting;

public sealed record ApiError(string Error);
