using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// <c>fieldSelector</c> on list and watch. Like the API server, only a few fields per kind are selectable
/// (metadata.name and metadata.namespace everywhere; involvedObject.*, reason, type and source on Events), and any
/// other field is a 400, not an empty result.
/// </summary>
public static class FieldSelector
{
    private static readonly HashSet<string> EventFields =
    [
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ];

    public static Func<JsonObject, bool> Parse(string? selector, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(selector))
            return _ => true;
        var terms = new List<(string Field, string Value, bool Equal)>();
        foreach (var raw in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (field, value, equal) =
                raw.Contains("!=", StringComparison.Ordinal) ? Split(raw, "!=", false)
                : raw.Contains("==", StringComparison.Ordinal) ? Split(raw, "==", true)
                : Split(raw, "=", true);
            var selectable =
                field is "metadata.name" or "metadata.namespace"
                || (type.Kind == "Event" && EventFields.Contains(field))
                || (type.Kind == "Namespace" && field == "status.phase");
            if (!selectable)
                throw new ApiException(
                    400,
                    "BadRequest",
                    $"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                );
            terms.Add((field, value, equal));
        }
        return o => terms.All(t => (Value(o, t.Field) == t.Value) == t.Equal);
    }

    private static (string, string, bool) Split(string term, string op, bool equal)
    {
        var i = term.IndexOf(op, StringComparison.Ordinal);
        return (term[..i].Trim(), term[(i + op.Length)..].Trim(), equal);
    }

    private static string Value(JsonObject o, string field)
    {
        if (field == "source")
            return o["source"]?["component"]?.ToString() ?? o["reportingComponent"]?.ToString() ?? "";
        JsonNode? node = o;
        foreach (var part in field.Split('.'))
            node = node?[part];
        return node?.ToString() ?? "";
    }
}
