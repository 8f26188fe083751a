using System.Text;
using System.Text.RegularExpressions;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>
/// Confines a PromQL query the way prom-label-proxy does: every vector selector in it (<c>metric</c>, <c>metric{…}</c>,
/// <c>{…}</c>) gets the given matchers, so the query reads only series that carry them, whatever else it asks for.
/// Matchers on one label are ANDed by Prometheus, so a selector naming another value of a confined label selects
/// nothing. Label lists (<c>by</c>, <c>without</c>, <c>on</c>, <c>ignoring</c>, <c>group_left</c>, <c>group_right</c>),
/// function and aggregation names, keywords, numbers, durations and strings are left as they are.
/// </summary>
public static partial class QueryConfinement
{
    // The template's placeholders stand in as single characters while the query is scanned, then go back.
    private const char SelectorMark = '\uE000';
    private const char StepMark = '\uE001';
    private const char RangeMark = '\uE002';

    private static readonly HashSet<string> Grouping = ["by", "without", "on", "ignoring", "group_left", "group_right"];
    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"];
    private static readonly HashSet<string> Aggregations =
    [
        "sum",
        "avg",
        "count",
        "min",
        "max",
        "group",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "quantile",
        "count_values",
        "limitk",
        "limit_ratio",
    ];

    /// <summary>
    /// <paramref name="query"/> with <paramref name="matchers"/> added to every selector; the template placeholders
    /// ({{selector}}, {{step}}, {{range}}) are kept. Throws <see cref="FormatException"/> for a query it cannot scan
    /// (an unclosed brace or string).
    /// </summary>
    public static string Apply(string query, IReadOnlyDictionary<string, string> matchers)
    {
        if (matchers.Count == 0)
            return query;
        var inject = string.Join(",", matchers.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key + "=" + PromQlText.Literal(m.Value)));
        var text = Placeholder()
            .Replace(
                query,
                m =>
                    m.Groups[1].Value switch
                    {
                        "selector" => SelectorMark.ToString(),
                        "step" => StepMark.ToString(),
                        _ => RangeMark.ToString(),
                    }
            );
        var sb = new StringBuilder(text.Length + inject.Length * 4);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'' or '`')
                i = CopyString(text, i, sb);
            else if (c == '#')
            {
                var end = text.IndexOf('\n', i);
                end = end < 0 ? text.Length : end;
                sb.Append(text, i, end - i);
                i = end;
            }
            else if (c == '{')
                i = CopyBraces(text, i, inject, sb);
            else if (c == '[')
            {
                // A range or a subquery's [range:resolution]: durations only, copied as they are.
                var close = text.IndexOf(']', i);
                if (close < 0)
                    throw new FormatException($"the range opened at offset {i} is not closed");
                sb.Append(text, i, close + 1 - i);
                i = close + 1;
            }
            else if (char.IsAsciiDigit(c) || c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                i = CopyNumber(text, i, sb);
            else if (char.IsAsciiLetter(c) || c is '_' or ':')
                i = Identifier(text, i, inject, sb);
            else if (c == '}')
                throw new FormatException($"a '}}' at offset {i} closes no selector");
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString()
            .Replace(SelectorMark.ToString(), "{{selector}}", StringComparison.Ordinal)
            .Replace(StepMark.ToString(), "{{step}}", StringComparison.Ordinal)
            .Replace(RangeMark.ToString(), "{{range}}", StringComparison.Ordinal);
    }

    private static int Identifier(string text, int i, string inject, StringBuilder sb)
    {
        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or ':'))
            i++;
        var word = text[start..i];
        sb.Append(word);
        var next = SkipSpace(text, i);
        var lower = word.ToLowerInvariant();
        if (Grouping.Contains(lower))
        {
            // A list of label names: copied as it is, never taken for selectors.
            if (next < text.Length && text[next] == '(')
            {
                var close = text.IndexOf(')', next);
                if (close < 0)
                    throw new FormatException($"the label list after '{word}' is not closed");
                sb.Append(text, i, close + 1 - i);
                return close + 1;
            }
            return i;
        }
        if (Keywords.Contains(lower) || next < text.Length && text[next] == '(')
            return i; // an operator, a number word, or a function or aggregation called here
        if (Aggregations.Contains(lower) && NextWord(text, next) is { } following && Grouping.Contains(following.ToLowerInvariant()))
            return i; // sum by (…) (…)
        // A metric name: its selector gets the matchers, in braces of its own or in those that follow it.
        if (next < text.Length && text[next] == '{')
        {
            sb.Append(text, i, next - i);
            return CopyBraces(text, next, inject, sb);
        }
        sb.Append('{').Append(inject).Append('}');
        return i;
    }

    /// <summary>Copies a selector's braces with the matchers first in them.</summary>
    private static int CopyBraces(string text, int open, string inject, StringBuilder sb)
    {
        sb.Append('{').Append(inject);
        var i = open + 1;
        var body = new StringBuilder();
        while (i < text.Length && text[i] != '}')
        {
            if (text[i] is '"' or '\'' or '`')
                i = CopyString(text, i, body);
            else if (text[i] == '{')
                throw new FormatException($"a '{{' at offset {i} inside a selector");
            else
                body.Append(text[i++]);
        }
        if (i >= text.Length)
            throw new FormatException($"the selector opened at offset {open} is not closed");
        if (body.ToString().Trim().Length > 0)
            sb.Append(',');
        sb.Append(body).Append('}');
        return i + 1;
    }

    private static int CopyString(string text, int i, StringBuilder sb)
    {
        var quote = text[i];
        var j = i + 1;
        while (j < text.Length && text[j] != quote)
            j += text[j] == '\\' && quote != '`' ? 2 : 1;
        if (j >= text.Length)
            throw new FormatException($"the string opened at offset {i} is not closed");
        sb.Append(text, i, j + 1 - i);
        return j + 1;
    }

    /// <summary>A number or a duration (5m, 1h30m, 1e-3, 0x1f): copied whole, so its letters are never a metric name.</summary>
    private static int CopyNumber(string text, int i, StringBuilder sb)
    {
        var start = i;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_')
                i++;
            else if (c is '+' or '-' && text[i - 1] is 'e' or 'E' && !text[start..i].Contains('x', StringComparison.OrdinalIgnoreCase))
                i++;
            else
                break;
        }
        sb.Append(text, start, i - start);
        return i;
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
            i++;
        return i;
    }

    private static string? NextWord(string text, int i)
    {
        var start = i;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
            i++;
        return i > start ? text[start..i] : null;
    }

    [GeneratedRegex(@"\{\{(selector|step|range)\}\}")]
    private static partial Regex Placeholder();
}
