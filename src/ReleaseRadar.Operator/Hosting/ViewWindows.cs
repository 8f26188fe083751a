using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>The release's times (RFC 3339): deploy, end of the warm-up, end of the window, and the last analysis' windows.</summary>
internal sealed record ViewWindows(string? DeployedAt, string? WarmupEnd, string? WindowEnd, TimeRange? Analysis, TimeRange? Baseline);
