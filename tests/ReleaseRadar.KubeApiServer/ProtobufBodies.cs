using System.Text.Json.Nodes;
using Google.Protobuf;

namespace ReleaseRadar.KubeApiServer;

/// <summary>
/// Request bodies in Kubernetes' protobuf encoding (<c>application/vnd.kubernetes.protobuf</c>), which client-go's
/// typed clients send for built-in kinds: kubectl create namespace, helm's release Secrets, deletes with options. The
/// envelope ("k8s\0" + runtime.Unknown) is decoded for any kind; the object itself for the kinds those clients write,
/// from the field numbers of k8s.io/api's generated.proto. Any other kind is a precise 415, so a client can be told to
/// send JSON.
/// </summary>
public static class ProtobufBodies
{
    private enum T
    {
        Str,
        Bytes,
        Int,
        Bool,
        Msg,
        Time,
        StrMap,
        BytesMap,
    }

    private sealed record F(string Name, T Type, bool Repeated = false, F[]? Fields = null);

    private static readonly F[] OwnerReference =
    [
        new("kind", T.Str),
        new("name", T.Str),
        new("uid", T.Str),
        new("controller", T.Bool),
        new("apiVersion", T.Str),
        new("", T.Str),
        new("blockOwnerDeletion", T.Bool),
    ];

    private static readonly F[] ObjectMeta =
    [
        new("name", T.Str),
        new("generateName", T.Str),
        new("namespace", T.Str),
        new("selfLink", T.Str),
        new("uid", T.Str),
        new("resourceVersion", T.Str),
        new("generation", T.Int),
        new("creationTimestamp", T.Time),
        new("deletionTimestamp", T.Time),
        new("deletionGracePeriodSeconds", T.Int),
        new("labels", T.StrMap),
        new("annotations", T.StrMap),
        new("ownerReferences", T.Msg, true, OwnerReference),
        new("finalizers", T.Str, true),
    ];

    private static readonly Dictionary<string, F[]> Kinds = new()
    {
        ["Secret"] =
        [
            new("metadata", T.Msg, false, ObjectMeta),
            new("data", T.BytesMap),
            new("type", T.Str),
            new("stringData", T.StrMap),
            new("immutable", T.Bool),
        ],
        ["ConfigMap"] = [new("metadata", T.Msg, false, ObjectMeta), new("data", T.StrMap), new("binaryData", T.BytesMap), new("immutable", T.Bool)],
        ["Namespace"] =
        [
            new("metadata", T.Msg, false, ObjectMeta),
            new("spec", T.Msg, false, [new("finalizers", T.Str, true)]),
            new("status", T.Msg, false, [new("phase", T.Str)]),
        ],
        ["ServiceAccount"] = [new("metadata", T.Msg, false, ObjectMeta)],
        ["DeleteOptions"] =
        [
            new("gracePeriodSeconds", T.Int),
            new("preconditions", T.Msg, false, [new("uid", T.Str), new("resourceVersion", T.Str)]),
            new("orphanDependents", T.Bool),
            new("propagationPolicy", T.Str),
            new("dryRun", T.Str, true),
        ],
    };

    public static bool Is(string? contentType) => contentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal) == true;

    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < 4 || body[0] != 'k' || body[1] != '8' || body[2] != 's' || body[3] != 0)
            throw new ApiException(400, "BadRequest", "a protobuf body must start with the \"k8s\\0\" magic");
        var envelope = new CodedInputStream(body, 4, body.Length - 4);
        string apiVersion = "",
            kind = "";
        ByteString raw = ByteString.Empty;
        uint tag;
        while ((tag = envelope.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var meta = new CodedInputStream(envelope.ReadBytes().ToByteArray());
                    uint t;
                    while ((t = meta.ReadTag()) != 0)
                        if (WireFormat.GetTagFieldNumber(t) == 1)
                            apiVersion = meta.ReadString();
                        else if (WireFormat.GetTagFieldNumber(t) == 2)
                            kind = meta.ReadString();
                        else
                            meta.SkipLastField();
                    break;
                case 2:
                    raw = envelope.ReadBytes();
                    break;
                default:
                    envelope.SkipLastField();
                    break;
            }
        }
        if (!Kinds.TryGetValue(kind, out var fields))
            throw new ApiException(
                415,
                "UnsupportedMediaType",
                $"this API test server decodes protobuf bodies only for {string.Join(", ", Kinds.Keys)} (got {kind}); send application/json"
            );
        var obj = Message(new CodedInputStream(raw.ToByteArray()), fields);
        if (kind != "DeleteOptions" || apiVersion.Length > 0)
        {
            obj["apiVersion"] = apiVersion;
            obj["kind"] = kind;
        }
        return obj;
    }

    private static JsonObject Message(CodedInputStream input, F[] fields)
    {
        var o = new JsonObject();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var n = WireFormat.GetTagFieldNumber(tag);
            if (n < 1 || n > fields.Length || fields[n - 1].Name.Length == 0)
            {
                input.SkipLastField();
                continue;
            }
            var f = fields[n - 1];
            JsonNode? value;
            switch (f.Type)
            {
                case T.Str:
                    value = input.ReadString();
                    break;
                case T.Bytes:
                    value = Convert.ToBase64String(input.ReadBytes().ToByteArray());
                    break;
                case T.Int:
                    value = input.ReadInt64();
                    break;
                case T.Bool:
                    value = input.ReadBool();
                    break;
                case T.Msg:
                    value = Message(new CodedInputStream(input.ReadBytes().ToByteArray()), f.Fields!);
                    break;
                case T.Time:
                    var time = Message(new CodedInputStream(input.ReadBytes().ToByteArray()), [new("seconds", T.Int), new("nanos", T.Int)]);
                    value = DateTimeOffset
                        .FromUnixTimeSeconds(time["seconds"]?.GetValue<long>() ?? 0)
                        .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
                    break;
                default:
                    var entry = Message(
                        new CodedInputStream(input.ReadBytes().ToByteArray()),
                        [new("key", T.Str), new("value", f.Type == T.BytesMap ? T.Bytes : T.Str)]
                    );
                    var map = o[f.Name] as JsonObject ?? (JsonObject)(o[f.Name] = new JsonObject());
                    map[entry["key"]?.GetValue<string>() ?? ""] = entry["value"]?.DeepClone() ?? JsonValue.Create("");
                    continue;
            }
            if (f.Repeated)
                ((o[f.Name] as JsonArray) ?? (JsonArray)(o[f.Name] = new JsonArray())).Add(value);
            else
                o[f.Name] = value;
        }
        return o;
    }
}
