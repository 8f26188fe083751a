using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>Durations as Kubernetes and Prometheus users write them: 30m, 1h30m, 90s, 500ms.</summary>
public static partial class GoDuration
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+\z")]
    private static partial Regex Shape();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d)")]
    private static partial Regex Part();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text) || !Shape().IsMatch(text.Trim()))
            return false;
        double seconds = 0;
        foreach (Match m in Part().Matches(text.Trim()))
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += m.Groups[2].Value switch
            {
                "ms" => n / 1000,
                "s" => n,
                "m" => n * 60,
                "h" => n * 3600,
                _ => n * 86400,
            };
        }
        // Saturates instead of overflowing (999999999999d is well-formed, just absurd); callers check the range and say so.
        value = seconds >= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
        return true;
    }

    public static string Format(TimeSpan d)
    {
        if (d == TimeSpan.Zero)
            return "0s";
        if (d == TimeSpan.MaxValue)
            return "∞";
        var sb = new StringBuilder();
        if (d < TimeSpan.Zero)
        {
            sb.Append('-');
            d = d.Negate();
        }
        if (d.Days > 0)
            sb.Append(d.Days).Append('d');
        if (d.Hours > 0)
            sb.Append(d.Hours).Append('h');
        if (d.Minutes > 0)
            sb.Append(d.Minutes).Append('m');
        if (d.Seconds > 0)
            sb.Append(d.Seconds).Append('s');
        if (d.Milliseconds > 0)
            sb.Append(d.Milliseconds).Append("ms");
        return sb.ToString();
    }
}
