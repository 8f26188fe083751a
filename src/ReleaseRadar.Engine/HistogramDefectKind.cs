namespace ReleaseRadar.Engine;

/// <summary>Why a step's latency buckets cannot be read as a cumulative histogram.</summary>
public enum HistogramDefectKind
{
    /// <summary>An <c>le</c> label that is not a number ("abc", "NaN").</summary>
    BoundNotANumber,

    /// <summary>No <c>le="+Inf"</c> bucket: the total count of the step is unknown.</summary>
    NoInfiniteBucket,

    /// <summary>A lower bucket holds more requests than a higher one: the counts are not cumulative.</summary>
    NotCumulative,
}
