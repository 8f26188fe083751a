using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Status;

namespace ReleaseRadar.Core.Evidence;

public sealed record Timeline(string GeneratedAt, IReadOnlyList<TimelineRelease> Releases);
