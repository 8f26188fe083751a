namespace ReleaseRadar.Api;

public sealed record TimeRange
{
    public string? Start { get; init; }
    public string? End { get; init; }
}
