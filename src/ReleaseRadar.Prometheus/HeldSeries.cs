using System.Collections;

namespace ReleaseRadar.Prometheus;

/// <summary>
/// One series of a population, on the step grid of its <see cref="PopulationSteps"/>: a value per step and a bit saying
/// whether Prometheus answered one (a step with no sample is absent, which NaN cannot say: Prometheus sends NaN too).
/// </summary>
/// <param name="Key">The series' labels, sorted and joined: how the same series is found in the next answer.</param>
internal sealed record HeldSeries(string Key, IReadOnlyDictionary<string, string> Labels, double[] Values, BitArray Present)
{
    public static string KeyOf(IReadOnlyDictionary<string, string> labels) =>
        string.Join("\u0001", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
}
