using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>A release on the timeline, with how its verdict evolved.</summary>
internal sealed record TimelineItem(ReleaseSummary Release, IReadOnlyList<HistoryEntry> History);
