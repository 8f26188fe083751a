using System.Globalization;
using System.Text.RegularExpressions;

namespace ReleaseRadar.Benchmarks;

/// <summary>
/// The operator's memory limit as the chart sets it (charts/release-radar/values.yaml, operator.resources.limits), read
/// where the benchmarks need it, so a measured peak is always held against the limit the chart ships.
/// </summary>
public static partial class ChartMemory
{
    public static int OperatorLimitMiB { get; } = Read();

    /// <summary>The .NET heap limit such a pod gives the operator: the runtime takes 75 % of the container's memory limit.</summary>
    public static long HeapHardLimitBytes => OperatorLimitMiB * 1024L * 1024 * 3 / 4;

    private static int Read()
    {
        var values = File.ReadAllText(Path.Combine(ScaleBenchmark.Root(), "charts", "release-radar", "values.yaml"));
        var operatorSection = values[values.IndexOf("\noperator:", StringComparison.Ordinal)..];
        return OperatorMemory().Match(operatorSection) is { Success: true } m
            ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("operator.resources.limits.memory (in Mi) not found in the chart's values.yaml");
    }

    [GeneratedRegex(@"limits:\s*\{\s*memory:\s*(\d+)Mi\s*\}")]
    private static partial Regex OperatorMemory();
}
