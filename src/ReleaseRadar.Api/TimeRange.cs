namespace ReleaseRadar.Api;

public sealed record TimeRange
{
    public string? Start { get; init; }
    public string? End { get; init; }

    /// <summary>baselineWindow only: PreDeploy, or LastGoodRelease (the reasons say which Release and why).</summary>
    public string? Source { get; init; }
}
