using System.Globalization;

namespace ReleaseRadar.Engine;

/// <summary>Formats numbers and findings as the sentences an on-call engineer reads in status, events and reports.</summary>
public static class ReasonText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string DisplayName(string check) =>
        check switch
        {
            CheckNames.ErrorRate => "Error rate",
            CheckNames.ServerErrorRate => "5xx rate",
            CheckNames.LatencyP95 => "P95 latency",
            CheckNames.LatencyP99 => "P99 latency",
            CheckNames.Throughput => "Throughput",
            _ => check,
        };

    public static string Value(double? value, MetricUnit unit)
    {
        if (value is not { } v || !double.IsFinite(v))
            return "n/a";
        return unit switch
        {
            MetricUnit.Ratio => (v * 100).ToString(v * 100 >= 10 ? "0.0" : "0.00", Invariant) + "%",
            MetricUnit.Seconds => v >= 1 ? v.ToString("0.00", Invariant) + " s" : (v * 1000).ToString(v < 0.01 ? "0.0" : "0", Invariant) + " ms",
            MetricUnit.RequestsPerSecond => (v >= 100 ? v.ToString("#,0", Invariant) : v.ToString("0.0#", Invariant)) + " req/s",
            _ => v.ToString("G4", Invariant),
        };
    }

    /// <summary>The value without spaces (4.59%, 225ms, 1,084req/s), for table cells a shell script splits on blanks.</summary>
    public static string Compact(double? value, MetricUnit unit) => Value(value, unit).Replace(" ", "", StringComparison.Ordinal);

    public static string PValue(double? p) =>
        p switch
        {
            null => "p=n/a",
            < 0.001 => "p<0.001",
            { } v => "p=" + v.ToString(v < 0.01 ? "0.000" : "0.00", Invariant),
        };

    /// <summary>"up 540%", "down 12%", "unchanged" for a current/baseline pair.</summary>
    public static string Change(double? current, double? baseline)
    {
        if (current is not { } c || baseline is not { } b)
            return "changed";
        if (b == 0)
            return c == 0 ? "unchanged" : "up from zero";
        var pct = (c / b - 1) * 100;
        if (Math.Abs(pct) < 0.5)
            return "unchanged";
        return (pct > 0 ? "up " : "down ") + Math.Abs(pct).ToString(Math.Abs(pct) >= 10 ? "0" : "0.#", Invariant) + "%";
    }

    /// <summary>A duration as people write it: 21m, 1h30m, 12s.</summary>
    public static string Duration(TimeSpan d)
    {
        if (d <= TimeSpan.Zero)
            return "0s";
        var parts = new System.Text.StringBuilder();
        if (d.Days > 0)
            parts.Append(d.Days).Append('d');
        if (d.Hours > 0)
            parts.Append(d.Hours).Append('h');
        if (d.Minutes > 0)
            parts.Append(d.Minutes).Append('m');
        if (d.Seconds > 0)
            parts.Append(d.Seconds).Append('s');
        return parts.Length == 0 ? $"{d.TotalMilliseconds:0}ms" : parts.ToString();
    }

    public static string Percent(double fraction) => (fraction * 100).ToString("0", Invariant) + "%";

    public static string Count(double n) => n.ToString("#,0", Invariant);

    /// <summary>The practical threshold in words; for throughput it is a loss (a fall to 1/MinRatio of the baseline).</summary>
    public static string Threshold(Thresholds t, MetricUnit unit, bool loss = false) =>
        loss
            ? $"a loss of ≥{((1 - 1 / t.MinRatio) * 100).ToString("0.#", Invariant)}%"
            : $"≥{t.MinRatio.ToString("0.##", Invariant)}× and "
                + (unit == MetricUnit.Ratio ? "+" + (t.MinIncrease * 100).ToString("0.##", Invariant) + " pp" : "+" + Value(t.MinIncrease, unit));
}
