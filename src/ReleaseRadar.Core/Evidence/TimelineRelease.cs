using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Status;

namespace ReleaseRadar.Core.Evidence;

public sealed record TimelineRelease(
    string Name,
    string Namespace,
    string Release,
    string? Commit,
    string? Target,
    string? DeployedAt,
    string Classification,
    int? RiskScore,
    IReadOnlyList<TimelineEntry> History
);
