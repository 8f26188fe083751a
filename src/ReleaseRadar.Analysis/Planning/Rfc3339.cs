using System.Globalization;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>RFC 3339 timestamps the way Kubernetes writes them (UTC, seconds, Z).</summary>
public static class Rfc3339
{
    public static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
        && text!.Contains('T', StringComparison.OrdinalIgnoreCase);
}
