namespace ReleaseRadar.Analysis.Planning;

/// <summary>A custom metric's PromQL template, resolved.</summary>
public sealed record CustomQuery(string Name, string QueryTemplate);
