namespace ReleaseRadar.Prometheus;

/// <summary>
/// How each step's increase is read: over the step itself, or, where the step holds fewer than two samples (a 15 s step
/// on a 15 s scrape), over a wider range scaled back to the step, as Grafana's <c>$__rate_interval</c> does. A range of
/// one sample has no increase, and the step would go missing.
/// </summary>
/// <param name="SampleInterval">How far apart the population's samples are (its scrape interval), when known.</param>
public sealed record StepRange(TimeSpan Step, TimeSpan Range, TimeSpan? SampleInterval)
{
    /// <summary>The range for a step given the sample interval: the step, or two sample intervals where the step is shorter.</summary>
    public static StepRange For(TimeSpan step, TimeSpan? sampleInterval) =>
        new(step, sampleInterval is { } interval && step < 2 * interval ? 2 * interval : step, sampleInterval);

    public bool Widened => Range > Step;
}
