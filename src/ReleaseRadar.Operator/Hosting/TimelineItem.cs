using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>A release on the timeline, with how its verdict evolved.</summary>
public sealed record TimelineItem(ReleaseSummary Release, IReadOnlyList<HistoryEntry> History);
