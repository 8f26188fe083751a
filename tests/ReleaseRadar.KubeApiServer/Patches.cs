using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.JsonPatch.SystemTextJson;

namespace ReleaseRadar.KubeApiServer;

/// <summary>The patch flavours the operator sends: JSON merge patch (RFC 7386), strategic merge (served as merge patch for the maps we patch) and JSON patch (RFC 6902).</summary>
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
            if (value is null) { target.Remove(key); continue; }
            if (value is JsonObject p && target[key] is JsonObject t) { Merge(t, p); continue; }
            target[key] = value is JsonObject obj ? StripNulls(obj) : value.DeepClone();
        }
    }

    private static JsonObject StripNulls(JsonObject o)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in o) if (v is not null) copy[k] = v is JsonObject child ? StripNulls(child) : v.DeepClone();
        return copy;
    }

    public static JsonObject ApplyJsonPatch(JsonObject target, string patch)
    {
        var document = JsonSerializer.Deserialize<JsonPatchDocument>(patch) ?? throw new ApiException(400, "BadRequest", "empty JSON patch");
        var result = (JsonObject)target.DeepClone();
        try
        {
            document.ApplyTo(result);
        }
        catch (Exception e) when (e is Microsoft.AspNetCore.JsonPatch.SystemTextJson.Exceptions.JsonPatchException or InvalidOperationException or ArgumentException)
        {
            // A failed "test" operation is how a client makes a patch conditional; the API server answers 422.
            throw new ApiException(422, "Invalid", "the JSON patch could not be applied: " + e.Message);
        }
        return result;
    }
}
