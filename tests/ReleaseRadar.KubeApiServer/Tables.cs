using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// Server-side printing (meta.k8s.io/v1 Table), which kubectl asks for with <c>Accept: application/json;as=Table;…</c>:
/// a Name column, then the kind's columns (a CRD's additionalPrinterColumns), with dates shown as ages as the API
/// server does for custom resources.
/// </summary>
public static partial class Tables
{
    public static bool Wanted(string? accept) => accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Build(
        ResourceType type,
        IEnumerable<JsonObject> items,
        string? resourceVersion,
        string? includeObject,
        DateTimeOffset now,
        bool withColumns = true
    )
    {
        var columns = type.Columns.Count > 0 ? type.Columns : [new PrinterColumn("Age", "date", ".metadata.creationTimestamp")];
        var definitions = new JsonArray(
            new JsonObject
            {
                ["name"] = "Name",
                ["type"] = "string",
                ["format"] = "name",
                ["priority"] = 0,
                ["description"] = "Name must be unique within a namespace.",
            }
        );
        foreach (var c in columns)
            definitions.Add(
                new JsonObject
                {
                    ["name"] = c.Name,
                    ["type"] = c.Type,
                    ["format"] = c.Format,
                    ["description"] = c.Description,
                    ["priority"] = c.Priority,
                }
            );
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = new JsonArray(JsonValue.Create(item["metadata"]?["name"]?.GetValue<string>() ?? ""));
            foreach (var c in columns)
                cells.Add(Cell(item, c, now));
            var row = new JsonObject { ["cells"] = cells };
            if (includeObject != "None")
                row["object"] =
                    includeObject == "Object"
                        ? item.DeepClone()
                        : new JsonObject
                        {
                            ["kind"] = "PartialObjectMetadata",
                            ["apiVersion"] = "meta.k8s.io/v1",
                            ["metadata"] = item["metadata"]?.DeepClone(),
                        };
            rows.Add(row);
        }
        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion ?? "" },
        };
        if (withColumns)
            table["columnDefinitions"] = definitions;
        table["rows"] = rows;
        return table;
    }

    private static JsonNode? Cell(JsonObject item, PrinterColumn c, DateTimeOffset now)
    {
        if (c.JsonPath.Contains('/', StringComparison.Ordinal))
        {
            // Deployment's READY column: ready out of desired.
            var parts = c.JsonPath.Split('/');
            return $"{Number(Evaluate(item, parts[0]).FirstOrDefault())}/{Number(Evaluate(item, parts[1]).FirstOrDefault())}";
        }
        var values = Evaluate(item, c.JsonPath);
        if (values.Count == 0 || values[0] is null)
            return null;
        if (c.Type == "date")
            return DateTimeOffset.TryParse(values[0]!.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? HumanDuration(now - t)
                : values[0]!.ToString();
        if (values.Count > 1)
            return string.Join(",", values.Select(Text));
        return values[0] is JsonValue v ? v.DeepClone() : Text(values[0]);
    }

    private static long Number(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out var l) ? l : 0;

    private static string Text(JsonNode? n) =>
        n switch
        {
            JsonObject o => string.Join(",", o.Select(kv => $"{kv.Key}={kv.Value}")),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            null => "<none>",
            _ => n.ToJsonString(),
        };

    /// <summary>The JSONPath subset printer columns use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*].b</c>, <c>.a[?(@.k=="v")].b</c>.</summary>
    public static List<JsonNode?> Evaluate(JsonNode? root, string path)
    {
        var current = new List<JsonNode?> { root };
        foreach (Match m in Step().Matches(path.Trim().TrimStart('{').TrimEnd('}')))
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                if (m.Groups["field"].Success)
                {
                    if (node is JsonObject o && o.TryGetPropertyValue(m.Groups["field"].Value, out var v))
                        next.Add(v);
                }
                else if (m.Groups["index"].Success && node is JsonArray a)
                {
                    var ix = m.Groups["index"].Value;
                    if (ix == "*")
                        next.AddRange(a);
                    else if (int.TryParse(ix, out var i) && i >= 0 && i < a.Count)
                        next.Add(a[i]);
                }
                else if (m.Groups["key"].Success && node is JsonArray fa)
                    next.AddRange(fa.Where(e => e?[m.Groups["key"].Value]?.ToString() == m.Groups["value"].Value));
            }
            current = next;
        }
        return current;
    }

    [GeneratedRegex("""\.(?<field>[A-Za-z0-9_\-]+)|\[(?<index>\*|[0-9]+)\]|\[\?\(@\.(?<key>[A-Za-z0-9_\-]+)\s*==\s*["'](?<value>[^"']*)["']\)\]""")]
    private static partial Regex Step();

    /// <summary>kubectl's and the API server's age format (k8s.io/apimachinery duration.HumanDuration).</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
            return "<invalid>";
        if (seconds < 0)
            return "0s";
        if (seconds < 120)
            return $"{seconds}s";
        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 180)
            return $"{minutes}m";
        var hours = (long)d.TotalHours;
        if (hours < 8)
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48)
            return $"{hours}h";
        if (hours < 24 * 8)
            return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        if (hours < 24 * 365 * 2)
            return $"{hours / 24}d";
        if (hours < 24 * 365 * 8)
            return (hours / 24) % 365 == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{(hours / 24) % 365}d";
        return $"{hours / 24 / 365}y";
    }
}
