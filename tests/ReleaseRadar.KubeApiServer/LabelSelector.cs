using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>Equality- and set-based label selectors: a=b, a==b, a!=b, a, !a, a in (x,y), a notin (x,y).</summary>
public static class LabelSelector
{
    public static Func<JsonObject, bool> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return _ => true;
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (var raw in SplitTopLevel(text))
        {
            var r = raw.Trim();
            if (r.Contains(" notin ", StringComparison.Ordinal))
            {
                var (k, set) = SetExpr(r, " notin ");
                requirements.Add(l => !l.TryGetValue(k, out var v) || !set.Contains(v));
            }
            else if (r.Contains(" in ", StringComparison.Ordinal))
            {
                var (k, set) = SetExpr(r, " in ");
                requirements.Add(l => l.TryGetValue(k, out var v) && set.Contains(v));
            }
            else if (r.Contains("!=", StringComparison.Ordinal))
            {
                var p = r.Split("!=", 2);
                requirements.Add(l => !l.TryGetValue(p[0].Trim(), out var v) || v != p[1].Trim());
            }
            else if (r.Contains('='))
            {
                var p = r.Replace("==", "=").Split('=', 2);
                requirements.Add(l => l.TryGetValue(p[0].Trim(), out var v) && v == p[1].Trim());
            }
            else if (r.StartsWith('!'))
                requirements.Add(l => !l.ContainsKey(r[1..]));
            else
                requirements.Add(l => l.ContainsKey(r));
        }
        return obj =>
        {
            var labels = (obj["metadata"]?["labels"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "") ?? [];
            return requirements.All(req => req(labels));
        };
    }

    private static (string Key, HashSet<string> Set) SetExpr(string r, string op)
    {
        var p = r.Split(op, 2);
        var values = p[1].Trim().TrimStart('(').TrimEnd(')').Split(',').Select(v => v.Trim());
        return (p[0].Trim(), [.. values]);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
                depth++;
            else if (text[i] == ')')
                depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
