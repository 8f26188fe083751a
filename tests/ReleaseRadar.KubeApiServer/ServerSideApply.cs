using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>) with field managers: each applier owns the fields of its
/// last applied configuration, recorded in <c>metadata.managedFields</c> as FieldsV1. A field it stops applying is
/// removed unless another manager owns it; a field another applier owns with a different value is a 409 conflict
/// unless <c>force=true</c>. Simplification, stated in the README: lists are owned whole (atomic), and only appliers'
/// ownership is tracked, not that of plain updates.
/// </summary>
public static class ServerSideApply
{
    private static readonly HashSet<string> UntrackedMetadata =
    [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "managedFields",
        "selfLink",
    ];

    public static JsonObject Apply(JsonObject? existing, JsonObject applied, string manager, bool force, string apiVersion, DateTimeOffset now)
    {
        var mine = Fields(applied);
        var result = existing is null ? new JsonObject() : (JsonObject)existing.DeepClone();
        var entries = (result["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var previous = entries.FirstOrDefault(e => e["manager"]?.ToString() == manager && e["operation"]?.ToString() == "Apply");
        var others = entries.Where(e => e != previous && e["operation"]?.ToString() == "Apply").ToList();

        var conflicts = new List<string>();
        foreach (var other in others)
        {
            var theirs = FromFieldsV1(other["fieldsV1"] as JsonObject);
            foreach (var path in mine.Intersect(theirs))
                if (!JsonNode.DeepEquals(At(result, path), At(applied, path)))
                    conflicts.Add($"conflict with \"{other["manager"]}\": .{string.Join('.', path.Split('\u0001'))}");
        }
        if (conflicts.Count > 0 && !force)
            throw new ApiException(
                409,
                "Conflict",
                $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: {string.Join("\n", conflicts)}"
            );
        if (force)
            foreach (var other in others)
            {
                var remaining = FromFieldsV1(other["fieldsV1"] as JsonObject);
                remaining.ExceptWith(mine);
                other["fieldsV1"] = ToFieldsV1(remaining);
            }

        if (previous is not null)
        {
            var dropped = FromFieldsV1(previous["fieldsV1"] as JsonObject);
            dropped.ExceptWith(mine);
            foreach (var other in others)
                dropped.ExceptWith(FromFieldsV1(other["fieldsV1"] as JsonObject));
            foreach (var path in dropped)
                Remove(result, path);
        }
        Overlay(result, applied);

        entries.Remove(previous!);
        entries.Add(
            new JsonObject
            {
                ["manager"] = manager,
                ["operation"] = "Apply",
                ["apiVersion"] = apiVersion,
                ["time"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = ToFieldsV1(mine),
            }
        );
        var meta = result["metadata"] as JsonObject ?? (JsonObject)(result["metadata"] = new JsonObject());
        meta["managedFields"] = new JsonArray([.. entries.Where(e => (e["fieldsV1"] as JsonObject)?.Count > 0).Select(e => e.DeepClone())]);
        return result;
    }

    private static void Overlay(JsonObject target, JsonObject applied)
    {
        foreach (var (k, v) in applied)
        {
            if (k == "metadata" && v is JsonObject m)
            {
                var tm = target["metadata"] as JsonObject ?? (JsonObject)(target["metadata"] = new JsonObject());
                foreach (var (mk, mv) in m)
                    if (mk is not "managedFields" and not "resourceVersion")
                        Put(tm, mk, mv);
                continue;
            }
            Put(target, k, v);
        }
    }

    private static void Put(JsonObject target, string key, JsonNode? value)
    {
        if (value is JsonObject vo && target[key] is JsonObject to)
        {
            Overlay(to, vo);
            return;
        }
        target[key] = value?.DeepClone();
    }

    /// <summary>Leaf field paths of an applied object (objects recursed, lists and scalars owned whole).</summary>
    public static HashSet<string> Fields(JsonObject applied)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? n, string prefix, bool root)
        {
            if (n is JsonObject o && (o.Count > 0 || root))
            {
                foreach (var (k, v) in o)
                {
                    if (root && k is "apiVersion" or "kind" or "status")
                        continue;
                    if (prefix == "metadata" && UntrackedMetadata.Contains(k))
                        continue;
                    Walk(v, prefix.Length == 0 ? k : prefix + '\u0001' + k, false);
                }
            }
            else
                set.Add(prefix);
        }
        Walk(applied, "", true);
        return set;
    }

    private static JsonNode? At(JsonObject o, string path)
    {
        JsonNode? n = o;
        foreach (var p in path.Split('\u0001'))
            n = n is JsonObject jo ? jo[p] : null;
        return n;
    }

    private static void Remove(JsonObject o, string path)
    {
        var parts = path.Split('\u0001');
        JsonNode? n = o;
        foreach (var p in parts[..^1])
            n = n is JsonObject jo ? jo[p] : null;
        (n as JsonObject)?.Remove(parts[^1]);
    }

    public static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths)
        {
            var node = root;
            foreach (var p in path.Split('\u0001'))
                node = node["f:" + p] as JsonObject ?? (JsonObject)(node["f:" + p] = new JsonObject());
        }
        return root;
    }

    public static HashSet<string> FromFieldsV1(JsonObject? fields)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonObject o, string prefix)
        {
            foreach (var (k, v) in o)
            {
                if (!k.StartsWith("f:", StringComparison.Ordinal))
                    continue;
                var path = prefix.Length == 0 ? k[2..] : prefix + '\u0001' + k[2..];
                if (v is JsonObject child && child.Count > 0)
                    Walk(child, path);
                else
                    set.Add(path);
            }
        }
        if (fields is not null)
            Walk(fields, "");
        return set;
    }
}
