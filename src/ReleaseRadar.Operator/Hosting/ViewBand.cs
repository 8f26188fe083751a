namespace ReleaseRadar.Operator.Hosting;

/// <summary>The baseline: the level it was judged at, and the spread of its steps (10th to 90th percentile; null without steps).</summary>
internal sealed record ViewBand(double? Level, double? Low, double? High, int Steps);
