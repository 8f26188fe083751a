namespace ReleaseRadar.Api.Evidence;

/// <summary>
/// The windows the verdict was judged on: the release window of the latest analysis, the baseline it was compared with
/// (and where that baseline came from), and when the release's whole window ends.
/// </summary>
public sealed record EvidenceWindows(EvidenceWindow? Release, EvidenceWindow? Baseline, string? BaselineSource, string? WindowEnd);
