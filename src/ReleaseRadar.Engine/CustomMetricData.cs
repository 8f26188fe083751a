namespace ReleaseRadar.Engine;

/// <summary>Data of one custom metric for every population it was queried for.</summary>
public sealed record CustomMetricData(
    string Name,
    ScalarWindow Current,
    ScalarWindow Baseline,
    ScalarWindow? ControlCurrent,
    ScalarWindow? ControlBaseline
);
