namespace ReleaseRadar.Operator.Hosting;

internal sealed record ApiError(string Error);
