using System.Text.RegularExpressions;

namespace ReleaseRadar.Analysis;

/// <summary>
/// URLs without their credentials. A URL like http://user:pass@prometheus:9090 is accepted (its user-info becomes basic
/// auth), but the user-info never reaches a message, a log line, an Event, the status or the HTTP API.
/// </summary>
public static partial class SafeUrl
{
    /// <summary>The URL without user-info, and the user and password it carried (unescaped), if any.</summary>
    public static (Uri Bare, string? User, string? Password) SplitUserInfo(Uri url)
    {
        if (!url.IsAbsoluteUri || url.UserInfo.Length == 0)
            return (url, null, null);
        var bare = new UriBuilder(url) { UserName = "", Password = "" }.Uri;
        var colon = url.UserInfo.IndexOf(':');
        var user = Uri.UnescapeDataString(colon < 0 ? url.UserInfo : url.UserInfo[..colon]);
        var password = colon < 0 ? null : Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]);
        return (bare, user, password);
    }

    /// <summary>Any text with the user-info of every URL in it removed (defence in depth for messages built elsewhere).</summary>
    public static string Redact(string text) => text.Contains('@') ? UserInfo().Replace(text, "$1") : text;

    [GeneratedRegex(@"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@\s]+@")]
    private static partial Regex UserInfo();
}
