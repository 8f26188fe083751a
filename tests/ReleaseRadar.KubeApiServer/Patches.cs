using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// The patch flavours clients send: JSON merge patch (RFC 7386), strategic merge patch (lists of objects merged by
/// their Kubernetes merge key, with the <c>$patch</c>, <c>$setElementOrder</c> and <c>$deleteFromPrimitiveList</c>
/// directives kubectl's client-side apply produces) and JSON patch (RFC 6902).
/// </summary>
public static class Patches
{
    public static JsonObject ApplyMergePatch(JsonObject target, JsonObject patch)
    {
        var result = (JsonObject)target.DeepClone();
        Merge(result, patch);
        return result;
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
                continue;
            }
            if (value is JsonObject p && target[key] is JsonObject t)
            {
                Merge(t, p);
                continue;
            }
            target[key] = value is JsonObject obj ? StripNulls(obj) : value.DeepClone();
        }
    }

    private static JsonObject StripNulls(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in o)
            if (v is not null)
                copy[k] = v is JsonObject child ? StripNulls(child) : v.DeepClone();
        return copy;
    }

    // The patchMergeKey of the core API's merged lists (k8s.io/api struct tags).
    private static readonly Dictionary<string, string[]> MergeKeys = new()
    {
        ["containers"] = ["name"],
        ["initContainers"] = ["name"],
        ["ephemeralContainers"] = ["name"],
        ["env"] = ["name"],
        ["volumes"] = ["name"],
        ["imagePullSecrets"] = ["name"],
        ["volumeMounts"] = ["mountPath"],
        ["volumeDevices"] = ["devicePath"],
        ["conditions"] = ["type"],
        ["hostAliases"] = ["ip"],
        ["ports"] = ["containerPort", "port"],
        ["ownerReferences"] = ["uid"],
        ["topologySpreadConstraints"] = ["topologyKey"],
    };

    private static readonly HashSet<string> MergedPrimitiveLists = ["finalizers"];

    public static JsonObject ApplyStrategicMergePatch(JsonObject target, JsonObject patch)
    {
        var result = (JsonObject)target.DeepClone();
        Strategic(result, patch);
        return result;
    }

    private static void Strategic(JsonObject target, JsonObject patch)
    {
        if (patch["$patch"]?.ToString() == "replace")
        {
            foreach (var k in target.Select(kv => kv.Key).ToList())
                target.Remove(k);
            foreach (var (k, v) in patch)
                if (k != "$patch")
                    target[k] = v?.DeepClone();
            return;
        }
        foreach (var (key, value) in patch.ToList())
        {
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || key is "$retainKeys" or "$patch")
                continue;
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (target[field] is JsonArray list && value is JsonArray remove)
                    foreach (var r in remove)
                    foreach (var e in list.Where(e => JsonNode.DeepEquals(e, r)).ToList())
                        list.Remove(e);
                continue;
            }
            if (value is null)
            {
                target.Remove(key);
                continue;
            }
            if (value is JsonObject po && po["$patch"]?.ToString() == "delete")
            {
                target.Remove(key);
                continue;
            }
            if (value is JsonObject p && target[key] is JsonObject t)
            {
                Strategic(t, p);
                continue;
            }
            if (value is JsonArray pa && target[key] is JsonArray ta)
            {
                target[key] = MergeList(key, ta, pa, patch[$"$setElementOrder/{key}"] as JsonArray);
                continue;
            }
            target[key] = value is JsonObject obj ? StripNulls(obj) : value.DeepClone();
        }
    }

    private static JsonArray MergeList(string field, JsonArray target, JsonArray patch, JsonArray? order)
    {
        if (MergedPrimitiveLists.Contains(field))
        {
            var merged = new JsonArray([.. target.Select(e => e?.DeepClone())]);
            foreach (var e in patch)
                if (!merged.Any(m => JsonNode.DeepEquals(m, e)))
                    merged.Add(e?.DeepClone());
            return merged;
        }
        var key = MergeKeys.TryGetValue(field, out var keys) ? keys.FirstOrDefault(k => patch.All(e => e is JsonObject o && o.ContainsKey(k))) : null;
        if (key is null)
            return new JsonArray([.. patch.Select(e => e?.DeepClone())]); // atomic list: replaced
        var result = target.Select(e => e?.DeepClone()).ToList();
        foreach (var e in patch.OfType<JsonObject>())
        {
            var id = e[key]?.ToJsonString();
            var at = result.FindIndex(r => r?[key]?.ToJsonString() == id);
            if (e["$patch"]?.ToString() == "delete")
            {
                if (at >= 0)
                    result.RemoveAt(at);
                continue;
            }
            if (at >= 0 && result[at] is JsonObject existing)
                Strategic(existing, e);
            else
                result.Add(StripNulls(e));
        }
        if (order is not null)
        {
            var rank = order.Select((o, i) => (o?[key]?.ToJsonString(), i)).Where(x => x.Item1 is not null).ToDictionary(x => x.Item1!, x => x.i);
            result = [.. result.OrderBy(r => rank.TryGetValue(r?[key]?.ToJsonString() ?? "", out var i) ? i : int.MaxValue)];
        }
        return new JsonArray([.. result]);
    }

    public static JsonObject ApplyJsonPatch(JsonObject target, string patch)
    {
        var document = JsonSerializer.Deserialize<JsonPatchDocument>(patch) ?? throw new ApiException(400, "BadRequest", "empty JSON patch");
        var result = (JsonObject)target.DeepClone();
        try
        {
            document.ApplyTo(result);
        }
        catch (Exception e)
            when (e is Microsoft.AspNetCore.JsonPatch.SystemTextJson.Exceptions.JsonPatchException or InvalidOperationException or ArgumentException)
        {
            // A failed "test" operation is how a client makes a patch conditional; the API server answers 422.
            throw new ApiException(422, "Invalid", "the JSON patch could not be applied: " + e.Message);
        }
        return result;
    }
}
