namespace ReleaseRadar.Operator.Hosting;

/// <summary>A moment on the release's time axis: deploy, warmupEnd, onset, rollback, annotate or superseded.</summary>
internal sealed record ViewMark(string Time, string Kind, string Label);
