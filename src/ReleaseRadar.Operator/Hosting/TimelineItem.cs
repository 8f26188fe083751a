using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>A release on the timeline, with how its verdict evolved.</summary>
public sealed record TimelineItem(ReleaseSummary Release, IReadOnlyList<HistoryEntry> History);
