using System.Text.Json.Nodes;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// What the API server does with a custom resource's structural schema before storing it: fields the schema does not
/// declare are unknown (refused under fieldValidation=Strict, otherwise dropped with a warning), and absent fields
/// with a default get it. The same walk checks a CRD's own schema for keys JSONSchemaProps does not have.
/// </summary>
public static class StructuralSchema
{
    private static readonly HashSet<string> ObjectMetaFields =
    [
        "name",
        "generateName",
        "namespace",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "managedFields",
        "selfLink",
    ];

    /// <summary>Prunes and defaults <paramref name="obj"/> in place; returns the paths of the unknown fields it removed.</summary>
    public static List<string> PruneAndDefault(JsonObject schema, JsonObject obj)
    {
        var unknown = new List<string>();
        if (obj["metadata"] is JsonObject meta)
            foreach (var key in meta.Select(kv => kv.Key).Where(k => !ObjectMetaFields.Contains(k)).ToList())
            {
                unknown.Add("metadata." + key);
                meta.Remove(key);
            }
        var properties = schema["properties"] as JsonObject;
        foreach (var (key, value) in obj.ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata")
                continue;
            if (properties?[key] is JsonObject sub)
                Walk(sub, value, key, unknown);
            else if (schema["x-kubernetes-preserve-unknown-fields"] is not JsonValue v || !v.GetValue<bool>())
            {
                unknown.Add(key);
                obj.Remove(key);
            }
        }
        Default(schema, obj);
        return unknown;
    }

    private static void Walk(JsonObject schema, JsonNode? node, string path, List<string> unknown)
    {
        var preserve = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue pv && pv.GetValue<bool>();
        switch (node)
        {
            case JsonObject o:
                var properties = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"];
                foreach (var (key, value) in o.ToList())
                {
                    if (properties?[key] is JsonObject sub)
                        Walk(sub, value, $"{path}.{key}", unknown);
                    else if (additional is JsonObject addSchema)
                        Walk(addSchema, value, $"{path}.{key}", unknown);
                    else if (preserve || additional is JsonValue av && av.GetValue<bool>()) { }
                    else
                    {
                        unknown.Add($"{path}.{key}");
                        o.Remove(key);
                    }
                }
                Default(schema, o);
                break;
            case JsonArray a when schema["items"] is JsonObject items:
                for (var i = 0; i < a.Count; i++)
                    Walk(items, a[i], $"{path}[{i}]", unknown);
                break;
        }
    }

    private static void Default(JsonObject schema, JsonObject o)
    {
        if (schema["properties"] is not JsonObject properties)
            return;
        foreach (var (key, sub) in properties)
            if (!o.ContainsKey(key) && sub?["default"] is { } d)
                o[key] = d.DeepClone();
    }

    private static readonly HashSet<string> SchemaProps =
    [
        "id",
        "$schema",
        "$ref",
        "description",
        "type",
        "format",
        "title",
        "default",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "multipleOf",
        "enum",
        "maxProperties",
        "minProperties",
        "required",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "properties",
        "additionalProperties",
        "patternProperties",
        "dependencies",
        "additionalItems",
        "definitions",
        "externalDocs",
        "example",
        "nullable",
        "x-kubernetes-preserve-unknown-fields",
        "x-kubernetes-embedded-resource",
        "x-kubernetes-int-or-string",
        "x-kubernetes-list-map-keys",
        "x-kubernetes-list-type",
        "x-kubernetes-map-type",
        "x-kubernetes-validations",
    ];

    private static readonly HashSet<string> CrdSpecFields = ["group", "names", "scope", "versions", "conversion", "preserveUnknownFields"];

    private static readonly HashSet<string> CrdVersionFields =
    [
        "name",
        "served",
        "storage",
        "deprecated",
        "deprecationWarning",
        "schema",
        "subresources",
        "additionalPrinterColumns",
        "selectableFields",
    ];

    private static readonly HashSet<string> ColumnFields = ["name", "type", "format", "description", "priority", "jsonPath"];

    /// <summary>Unknown fields of a CustomResourceDefinition, as the API server's strict decoding reports them (and drops them otherwise).</summary>
    public static List<string> UnknownCrdFields(JsonObject crd)
    {
        var unknown = new List<string>();
        if (crd["spec"] is not JsonObject spec)
            return unknown;
        foreach (var (k, _) in spec)
            if (!CrdSpecFields.Contains(k))
                unknown.Add("spec." + k);
        if (spec["versions"] is not JsonArray versions)
            return unknown;
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i] is not JsonObject v)
                continue;
            var at = $"spec.versions[{i}]";
            foreach (var (k, _) in v)
                if (!CrdVersionFields.Contains(k))
                    unknown.Add($"{at}.{k}");
            if (v["additionalPrinterColumns"] is JsonArray cols)
                for (var c = 0; c < cols.Count; c++)
                    if (cols[c] is JsonObject col)
                        foreach (var (k, _) in col)
                            if (!ColumnFields.Contains(k))
                                unknown.Add($"{at}.additionalPrinterColumns[{c}].{k}");
            if (v["schema"]?["openAPIV3Schema"] is JsonObject s)
                SchemaKeys(s, $"{at}.schema.openAPIV3Schema", unknown);
        }
        return unknown;
    }

    private static void SchemaKeys(JsonObject s, string path, List<string> unknown)
    {
        foreach (var (k, v) in s.ToList())
        {
            if (!SchemaProps.Contains(k))
            {
                unknown.Add($"{path}.{k}");
                s.Remove(k);
                continue;
            }
            switch (k)
            {
                case "properties" or "patternProperties" or "definitions" when v is JsonObject map:
                    foreach (var (name, sub) in map)
                        if (sub is JsonObject so)
                            SchemaKeys(so, $"{path}.{k}.{name}", unknown);
                    break;
                case "items" or "additionalProperties" or "not" or "additionalItems" when v is JsonObject one:
                    SchemaKeys(one, $"{path}.{k}", unknown);
                    break;
                case "allOf" or "anyOf" or "oneOf" when v is JsonArray many:
                    for (var i = 0; i < many.Count; i++)
                        if (many[i] is JsonObject mo)
                            SchemaKeys(mo, $"{path}.{k}[{i}]", unknown);
                    break;
            }
        }
    }
}
