using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace ReleaseRadar.KubeApiServer;

/// <summary>An API error with Kubernetes' Status body.</summary>
public sealed class ApiException(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;

    public JsonObject ToStatus() =>
        new()
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
            ["code"] = Code,
        };
}

[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Naming",
    "CA1720:Identifier contains type name",
    Justification = "Named after the Kubernetes watch event's own field, \"object\""
)]
public sealed record WatchEvent(string Type, JsonObject Object);

/// <summary>
/// The query parameters of a write: dryRun=All, fieldValidation (Strict, Warn, Ignore), fieldManager and force (server-side apply).
/// </summary>
public sealed record WriteOptions(bool DryRun = false, string FieldValidation = "Warn", string? FieldManager = null, bool Force = false)
{
    public static WriteOptions Default { get; } = new();

    /// <summary>Warnings for the response's Warning headers (unknown fields dropped under fieldValidation=Warn).</summary>
    public List<string> Warnings { get; } = [];
}

/// <summary>
/// The objects of every resource type, with the semantics the operator depends on: a global resourceVersion, optimistic
/// concurrency (409), generation bumped only by spec changes, the status subresource split, a bounded event log that
/// watches resume from (410 Gone once compacted), and label selectors.
/// </summary>
public sealed class ObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Type, string Ns, string Name), JsonObject> _objects = [];
    private readonly List<(long Rv, string Type, string Ns, WatchEvent Event)> _log = [];
    private readonly List<Watcher> _watchers = [];
    private long _rv = 100;
    private long _compactedThrough = 100;
    private int _conflictsToInject;
    private string? _conflictType;

    public int LogCapacity { get; set; } = 5000;

    /// <summary>The server's clock, for creation times: a test sets it back to make a rollout that happened minutes ago.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    private static readonly ResourceType ReplicaSets = ResourceTypes.BuiltIn().First(t => t.Plural == "replicasets");

    /// <summary>Counts writes per resource type and verb, so tests can assert "no status write when nothing changed".</summary>
    public Dictionary<string, int> Writes { get; } = [];

    private sealed record Watcher(string Type, string? Ns, Func<JsonObject, bool> Selector, Channel<WatchEvent> Channel);

    public long CurrentVersion
    {
        get
        {
            lock (_gate)
                return _rv;
        }
    }

    private readonly Dictionary<string, ResourceType> _types = [];
    private const string NamespaceKey = "/v1/namespaces";

    /// <summary>The namespaces every cluster starts with.</summary>
    public void Bootstrap(ResourceType namespaces)
    {
        lock (_gate)
            foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
                if (!_objects.ContainsKey((NamespaceKey, "", ns)))
                    Create(
                        namespaces,
                        "",
                        new JsonObject
                        {
                            ["metadata"] = new JsonObject { ["name"] = ns },
                            ["status"] = new JsonObject { ["phase"] = "Active" },
                        }
                    );
    }

    /// <summary>Creates the namespace if it does not exist (a test's setup, as <c>kubectl create namespace</c>).</summary>
    public void EnsureNamespace(ResourceType namespaces, string ns)
    {
        lock (_gate)
            if (!_objects.ContainsKey((NamespaceKey, "", ns)))
                Create(namespaces, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
    }

    public JsonObject Create(ResourceType type, string ns, JsonObject body, WriteOptions? options = null)
    {
        options ??= WriteOptions.Default;
        lock (_gate)
        {
            if (type.Namespaced && !_objects.ContainsKey((NamespaceKey, "", ns)))
                throw new ApiException(404, "NotFound", $"namespaces \"{ns}\" not found");
            if (type.Namespaced && Meta(body)["namespace"]?.GetValue<string>() is { Length: > 0 } bodyNs && bodyNs != ns)
                throw new ApiException(
                    400,
                    "BadRequest",
                    $"the namespace of the provided object ({bodyNs}) does not match the namespace sent on the request ({ns})"
                );
            var meta = Meta(body);
            var name = meta["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = meta["generateName"]?.GetValue<string>() ?? throw new ApiException(422, "Invalid", "metadata.name: Required value");
                name = prefix + Guid.NewGuid().ToString("N")[..5];
            }
            var key = (type.Key, type.Namespaced ? ns : "", name);
            if (_objects.ContainsKey(key))
                throw new ApiException(409, "AlreadyExists", $"{type.Plural}.{type.Group} \"{name}\" already exists");
            InjectConflict(type);
            var obj = (JsonObject)body.DeepClone();
            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            if (type.HasStatus)
                obj.Remove("status");
            meta = Meta(obj);
            meta["name"] = name;
            if (type.Namespaced)
                meta["namespace"] = ns;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
            meta.Remove("deletionTimestamp"); // only a DELETE sets it
            meta.Remove("deletionGracePeriodSeconds");
            if (type.HasSpec)
                meta["generation"] = 1L;
            if (type.Kind == "Namespace")
                obj["status"] = new JsonObject { ["phase"] = "Active" };
            Admit(type, obj, options);
            if (options.DryRun)
                return obj;
            var created = Commit(type, key, obj, "ADDED", "create");
            CollectIfOwnerless(type, key);
            return created;
        }
    }

    public JsonObject Get(ResourceType type, string ns, string name)
    {
        lock (_gate)
            return (JsonObject)Find(type, ns, name).DeepClone();
    }

    public (List<JsonObject> Items, long Version) List(ResourceType type, string? ns, Func<JsonObject, bool> selector)
    {
        lock (_gate)
        {
            var items = _objects
                .Where(kv => kv.Key.Type == type.Key && (ns is null || kv.Key.Ns == ns) && selector(kv.Value))
                .OrderBy(kv => kv.Key.Ns, StringComparer.Ordinal)
                .ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
                .Select(kv => (JsonObject)kv.Value.DeepClone())
                .ToList();
            return (items, _rv);
        }
    }

    /// <summary>
    /// At most <paramref name="limit"/> matching objects after the key <paramref name="after"/> (see <see cref="ListPage.Key"/>),
    /// copied; the current resourceVersion; and how many matching objects follow the page.
    /// </summary>
    public (List<JsonObject> Items, long Version, int Remaining) ListPage(
        ResourceType type,
        string? ns,
        Func<JsonObject, bool> selector,
        string? after,
        int? limit
    )
    {
        lock (_gate)
        {
            var matching = _objects
                .Where(kv => kv.Key.Type == type.Key && (ns is null || kv.Key.Ns == ns))
                .Select(kv => (Key: KubeApiServer.ListPage.Key(kv.Key.Ns, kv.Key.Name), kv.Value))
                .Where(x => after is null || string.CompareOrdinal(x.Key, after) > 0)
                .OrderBy(x => x.Key, StringComparer.Ordinal)
                .Where(x => selector(x.Value))
                .ToList();
            var taken = limit is { } n && n < matching.Count ? n : matching.Count;
            return ([.. matching.Take(taken).Select(x => (JsonObject)x.Value.DeepClone())], _rv, matching.Count - taken);
        }
    }

    /// <summary>PUT. On the main resource the status is kept; on /status only the status is taken.</summary>
    public JsonObject Replace(ResourceType type, string ns, string name, JsonObject body, bool statusOnly, WriteOptions? options = null)
    {
        options ??= WriteOptions.Default;
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            var sentVersion = Meta(body)["resourceVersion"]?.GetValue<string>();
            // Custom resources allow no unconditional update; built-in kinds do, and an empty resourceVersion (protobuf
            // clients send one) means one, as no resourceVersion does.
            if (string.IsNullOrEmpty(sentVersion) && type.CrdName is not null)
                throw new ApiException(
                    422,
                    "Invalid",
                    $"{type.Kind}.{type.Group} \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"
                );
            if (!string.IsNullOrEmpty(sentVersion) && sentVersion != Meta(existing)["resourceVersion"]!.GetValue<string>())
                throw Conflict(type, name);
            InjectConflict(type);
            JsonObject updated;
            if (statusOnly)
            {
                updated = (JsonObject)existing.DeepClone();
                SetStatus(updated, body);
            }
            else
            {
                updated = (JsonObject)body.DeepClone();
                updated["apiVersion"] = type.ApiVersion;
                updated["kind"] = type.Kind;
                var meta = Meta(updated);
                var old = Meta(existing);
                foreach (var k in new[] { "name", "namespace", "uid", "creationTimestamp", "generation" })
                    if (old[k] is { } v)
                        meta[k] = v.DeepClone();
                    else
                        meta.Remove(k);
                if (type.HasStatus)
                    SetStatus(updated, existing);
            }
            return Update(type, (type.Key, type.Namespaced ? ns : "", name), existing, updated, statusOnly ? "replace-status" : "replace", options);
        }
    }

    public JsonObject Patch(
        ResourceType type,
        string ns,
        string name,
        string contentType,
        string patch,
        bool statusOnly,
        WriteOptions? options = null
    )
    {
        options ??= WriteOptions.Default;
        lock (_gate)
        {
            if (contentType.StartsWith("application/apply-patch", StringComparison.Ordinal))
                return ApplyPatch(type, ns, name, patch, statusOnly, options);
            var existing = Find(type, ns, name);
            JsonObject patched;
            try
            {
                JsonObject AsObject() =>
                    JsonNode.Parse(patch) as JsonObject ?? throw new ApiException(400, "BadRequest", "a merge patch must be a JSON object");
                patched = contentType switch
                {
                    _ when contentType.StartsWith("application/json-patch+json", StringComparison.Ordinal) => Patches.ApplyJsonPatch(existing, patch),
                    _ when contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal) => Patches.ApplyMergePatch(
                        existing,
                        AsObject()
                    ),
                    _ when contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal) => type.OpenApiSchema is null
                        ? Patches.ApplyStrategicMergePatch(existing, AsObject())
                        : throw new ApiException(
                            415,
                            "UnsupportedMediaType",
                            "strategic merge patch is not supported for custom resources; use a merge patch"
                        ),
                    _ => throw new ApiException(
                        415,
                        "UnsupportedMediaType",
                        $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
                            + "application/merge-patch+json, application/apply-patch+yaml, "
                            + $"application/strategic-merge-patch+json (got {contentType})"
                    ),
                };
            }
            catch (JsonException e)
            {
                throw new ApiException(400, "BadRequest", "the patch is not valid JSON: " + e.Message);
            }
            var sentVersion = Meta(patched)["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(sentVersion) && sentVersion != Meta(existing)["resourceVersion"]!.GetValue<string>())
                throw Conflict(type, name);
            InjectConflict(type);
            return Update(
                type,
                (type.Key, type.Namespaced ? ns : "", name),
                existing,
                Patched(type, existing, patched, statusOnly),
                statusOnly ? "patch-status" : "patch",
                options
            );
        }
    }

    private JsonObject ApplyPatch(ResourceType type, string ns, string name, string patch, bool statusOnly, WriteOptions options)
    {
        if (string.IsNullOrEmpty(options.FieldManager))
            throw new ApiException(
                422,
                "Invalid",
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
            );
        var applied = YamlJson.Parse(patch) as JsonObject ?? throw new ApiException(400, "BadRequest", "an apply patch must be an object");
        if (Meta(applied)["name"]?.GetValue<string>() is { } n && n != name)
            throw new ApiException(400, "BadRequest", $"the name of the object ({n}) does not match the name on the URL ({name})");
        _objects.TryGetValue((type.Key, type.Namespaced ? ns : "", name), out var existing);
        var result = ServerSideApply.Apply(existing, applied, options.FieldManager, options.Force, type.ApiVersion, DateTimeOffset.UtcNow);
        if (existing is null)
        {
            Meta(result)["name"] = name;
            return Create(type, ns, result, options);
        }
        return Update(type, (type.Key, type.Namespaced ? ns : "", name), existing, Patched(type, existing, result, statusOnly), "apply", options);
    }

    /// <summary>
    /// What a patch may change: on /status only the status; on the main resource everything but the status and the
    /// server-owned metadata.
    /// </summary>
    private static JsonObject Patched(ResourceType type, JsonObject existing, JsonObject patched, bool statusOnly)
    {
        if (statusOnly)
        {
            var updated = (JsonObject)existing.DeepClone();
            SetStatus(updated, patched);
            return updated;
        }
        if (type.HasStatus)
            SetStatus(patched, existing);
        foreach (var k in new[] { "name", "namespace", "uid", "creationTimestamp", "generation" })
            if (Meta(existing)[k] is { } v)
                Meta(patched)[k] = v.DeepClone();
        return patched;
    }

    /// <summary>
    /// DELETE, with the garbage collector's effect folded in: dependents (by ownerReferences) are deleted, or orphaned under
    /// propagationPolicy=Orphan; deleting a namespace deletes its contents.
    /// </summary>
    public JsonObject Delete(ResourceType type, string ns, string name, string? propagation = null, WriteOptions? options = null)
    {
        options ??= WriteOptions.Default;
        lock (_gate)
        {
            var existing = Find(type, ns, name);
            if (propagation is not (null or "Orphan" or "Background" or "Foreground"))
                throw new ApiException(
                    400,
                    "BadRequest",
                    $"propagationPolicy: Unsupported value: \"{propagation}\": supported values: \"Orphan\", \"Background\", \"Foreground\""
                );
            if (options.DryRun)
                return (JsonObject)existing.DeepClone();
            if (Meta(existing)["finalizers"] is JsonArray { Count: > 0 })
            {
                // As a real server: the object stays, marked, until every finalizer is removed; a second DELETE changes nothing.
                if (Meta(existing)["deletionTimestamp"] is not null)
                    return (JsonObject)existing.DeepClone();
                var marked = (JsonObject)existing.DeepClone();
                Meta(marked)["deletionTimestamp"] = Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
                Meta(marked)["deletionGracePeriodSeconds"] = 0L;
                return Commit(type, (type.Key, type.Namespaced ? ns : "", name), marked, "MODIFIED", "delete-pending");
            }
            var deleted = Remove(type, type.Namespaced ? ns : "", name);
            var uid = Meta(existing)["uid"]?.GetValue<string>();
            foreach (var (key, obj) in _objects.ToList())
            {
                var refs = Meta(obj)["ownerReferences"] as JsonArray;
                var owned = refs?.Any(r => r?["uid"]?.GetValue<string>() == uid) == true;
                var inNamespace = type.Kind == "Namespace" && key.Ns == name;
                if (!owned && !inNamespace)
                    continue;
                var depType = _types[key.Type];
                if (propagation == "Orphan" && !inNamespace)
                {
                    var orphan = (JsonObject)obj.DeepClone();
                    var kept = new JsonArray([.. refs!.Where(r => r?["uid"]?.GetValue<string>() != uid).Select(r => r?.DeepClone())]);
                    if (kept.Count == 0)
                        Meta(orphan).Remove("ownerReferences");
                    else
                        Meta(orphan)["ownerReferences"] = kept;
                    Commit(depType, key, orphan, "MODIFIED", "orphan");
                }
                else if (_objects.ContainsKey(key))
                    Delete(depType, key.Ns, key.Name, propagation);
            }
            return deleted;
        }
    }

    /// <summary>DELETE on a collection: every object the label selector matches.</summary>
    public JsonObject DeleteCollection(ResourceType type, string? ns, Func<JsonObject, bool> selector, WriteOptions? options = null)
    {
        lock (_gate)
        {
            var (items, rv) = List(type, ns, selector);
            foreach (var i in items)
                Delete(type, Meta(i)["namespace"]?.GetValue<string>() ?? "", Meta(i)["name"]!.GetValue<string>(), null, options);
            return new JsonObject
            {
                ["apiVersion"] = type.ApiVersion,
                ["kind"] = type.Kind + "List",
                ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString() },
                ["items"] = new JsonArray([.. items]),
            };
        }
    }

    private JsonObject Remove(ResourceType type, string ns, string name)
    {
        var key = (type.Key, ns, name);
        var existing = _objects[key];
        _objects.Remove(key);
        var deleted = (JsonObject)existing.DeepClone();
        Meta(deleted)["resourceVersion"] = (++_rv).ToString();
        Publish(type, ns, new WatchEvent("DELETED", deleted));
        Count(type, "delete");
        return deleted;
    }

    /// <summary>
    /// Opens a watch. Events after <paramref name="fromVersion"/> are replayed from the log; none given means "current state first".
    /// </summary>
    public ChannelReader<WatchEvent> Watch(ResourceType type, string? ns, Func<JsonObject, bool> selector, string? fromVersion)
    {
        lock (_gate)
        {
            var channel = Channel.CreateUnbounded<WatchEvent>();
            if (string.IsNullOrEmpty(fromVersion) || fromVersion == "0")
            {
                foreach (var o in List(type, ns, selector).Items)
                    channel.Writer.TryWrite(new WatchEvent("ADDED", o));
            }
            else
            {
                if (!long.TryParse(fromVersion, out var rv))
                    throw new ApiException(400, "BadRequest", $"invalid resourceVersion '{fromVersion}'");
                if (rv < _compactedThrough)
                {
                    // The real API server answers a too-old watch with an ERROR event carrying a 410 Status.
                    channel.Writer.TryWrite(
                        new WatchEvent("ERROR", new ApiException(410, "Expired", $"too old resource version: {rv} ({_compactedThrough})").ToStatus())
                    );
                    channel.Writer.TryComplete();
                    return channel.Reader;
                }
                if (rv > _rv)
                {
                    // A resourceVersion from the future: the server lost state (an etcd restore). A real server's watch
                    // cache answers 504 "Too large resource version" (cause ResourceVersionTooLarge), never silence.
                    channel.Writer.TryWrite(
                        new WatchEvent("ERROR", new ApiException(504, "Timeout", $"Too large resource version: {rv}, current: {_rv}").ToStatus())
                    );
                    channel.Writer.TryComplete();
                    return channel.Reader;
                }
                foreach (var e in _log.Where(l => l.Rv > rv && l.Type == type.Key && (ns is null || l.Ns == ns) && selector(l.Event.Object)))
                    channel.Writer.TryWrite(e.Event);
            }
            _watchers.Add(new Watcher(type.Key, ns, selector, channel));
            return channel.Reader;
        }
    }

    public void StopWatching(ChannelReader<WatchEvent> reader)
    {
        lock (_gate)
            _watchers.RemoveAll(w => w.Channel.Reader == reader);
    }

    /// <summary>Ends every open watch stream, as an API server restart or a load balancer timeout would.</summary>
    public int DropWatches()
    {
        lock (_gate)
        {
            var n = _watchers.Count;
            foreach (var w in _watchers)
                w.Channel.Writer.TryComplete();
            _watchers.Clear();
            return n;
        }
    }

    public StoreBackup Backup()
    {
        lock (_gate)
            return new StoreBackup(_objects.ToDictionary(kv => kv.Key, kv => (JsonObject)kv.Value.DeepClone()), _rv);
    }

    /// <summary>
    /// Restores a <see cref="Backup"/>, as an etcd restore does: objects written since are gone, the resourceVersion goes
    /// back, and every watch ends (clients resuming from a later version get 504 Too large resource version).
    /// </summary>
    public void Restore(StoreBackup backup)
    {
        lock (_gate)
        {
            _objects.Clear();
            foreach (var (k, v) in backup.Objects)
                _objects[k] = (JsonObject)v.DeepClone();
            _rv = backup.ResourceVersion;
            _log.Clear();
            _compactedThrough = backup.ResourceVersion;
        }
        DropWatches();
    }

    /// <summary>Forgets the event log, so any watch resuming from an earlier resourceVersion gets 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _log.Clear();
            _compactedThrough = _rv;
        }
    }

    /// <summary>The next <paramref name="count"/> writes (of one resource type, or any) fail with 409 Conflict.</summary>
    public void InjectConflicts(int count, string? plural = null)
    {
        lock (_gate)
        {
            _conflictsToInject = count;
            _conflictType = plural;
        }
    }

    private void InjectConflict(ResourceType type)
    {
        if (_conflictsToInject > 0 && (_conflictType is null || _conflictType == type.Plural))
        {
            _conflictsToInject--;
            Count(type, "conflict");
            throw Conflict(type, "(injected)");
        }
    }

    private JsonObject Update(
        ResourceType type,
        (string, string, string) key,
        JsonObject existing,
        JsonObject updated,
        string verb,
        WriteOptions options
    )
    {
        var deleting = Meta(existing)["deletionTimestamp"];
        foreach (var mark in new[] { "deletionTimestamp", "deletionGracePeriodSeconds" })
            if (Meta(existing)[mark] is { } kept)
                Meta(updated)[mark] = kept.DeepClone(); // set by DELETE only, and never taken back
            else
                Meta(updated).Remove(mark);
        if (deleting is not null)
        {
            var before = Finalizers(existing);
            var added = Finalizers(updated).Where(f => !before.Contains(f)).ToList();
            if (added.Count > 0)
                throw new ApiException(
                    422,
                    "Invalid",
                    $"{type.Kind} \"{key.Item3}\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being "
                        + $"deleted, found new finalizers []string{{{string.Join(", ", added.Select(f => $"\"{f}\""))}}}"
                );
        }
        Admit(type, updated, options);
        if (type.HasSpec && !JsonNode.DeepEquals(existing["spec"], updated["spec"]))
            Meta(updated)["generation"] = (Meta(existing)["generation"] is { } g ? long.Parse(g.ToJsonString()) : 0) + 1;
        if (options.DryRun)
            return updated;
        Meta(updated)["resourceVersion"] = Meta(existing)["resourceVersion"]!.DeepClone();
        if (JsonNode.DeepEquals(existing, updated))
        {
            Count(type, verb + "-noop");
            return (JsonObject)existing.DeepClone(); // a no-op write does not bump resourceVersion, as with the real server
        }
        var committed = Commit(type, key, updated, "MODIFIED", verb);
        if (deleting is not null && Finalizers(updated).Count == 0)
            return Delete(type, key.Item2, key.Item3); // the last finalizer is gone: the deletion asked for happens now
        CollectIfOwnerless(type, key);
        return committed;
    }

    private static List<string> Finalizers(JsonObject obj) =>
        Meta(obj)["finalizers"] is JsonArray list ? [.. list.Select(f => f?.GetValue<string>() ?? "")] : [];

    /// <summary>
    /// The garbage collector on a dependent whose owners are gone (created after its owner was deleted, or pointing at a
    /// uid that never was): with no owner left it is deleted; with some left, the references to the missing ones are
    /// removed.
    /// </summary>
    private void CollectIfOwnerless(ResourceType type, (string Type, string Ns, string Name) key)
    {
        if (!_objects.TryGetValue(key, out var obj) || Meta(obj)["ownerReferences"] is not JsonArray { Count: > 0 } refs)
            return;
        var uids = _objects.Values.Select(o => Meta(o)["uid"]?.GetValue<string>()).ToHashSet();
        var live = refs.Where(r => uids.Contains(r?["uid"]?.GetValue<string>())).ToList();
        if (live.Count == refs.Count)
            return;
        if (live.Count == 0)
        {
            Delete(type, key.Ns, key.Name);
            return;
        }
        var kept = (JsonObject)obj.DeepClone();
        Meta(kept)["ownerReferences"] = new JsonArray([.. live.Select(r => r!.DeepClone())]);
        Commit(type, key, kept, "MODIFIED", "gc");
    }

    private JsonObject Commit(ResourceType type, (string Type, string Ns, string Name) key, JsonObject obj, string eventType, string verb)
    {
        Meta(obj)["resourceVersion"] = (++_rv).ToString();
        _objects[key] = obj;
        _types[type.Key] = type;
        Publish(type, key.Ns, new WatchEvent(eventType, (JsonObject)obj.DeepClone()));
        Count(type, verb);
        var committed = (JsonObject)obj.DeepClone();
        // As in every real cluster, Deployments get ReplicaSets and revisions (see DeploymentRollouts).
        if (type.Group == "apps" && type.Plural == "deployments")
            RollOut(type, key, obj);
        return committed;
    }

    /// <summary>What the Deployment controller writes after a Deployment changes: its ReplicaSet, then its revision.</summary>
    private void RollOut(ResourceType type, (string Type, string Ns, string Name) key, JsonObject deployment)
    {
        var owned = _objects.Where(kv => kv.Key.Type == ReplicaSets.Key && kv.Key.Ns == key.Ns).Select(kv => kv.Value).ToList();
        var (replicaSet, created, updated) = DeploymentRollouts.Roll(deployment, owned);
        if (replicaSet is not null && created)
            Create(ReplicaSets, key.Ns, replicaSet);
        else if (replicaSet is not null)
        {
            var rsKey = (ReplicaSets.Key, key.Ns, Meta(replicaSet)["name"]!.GetValue<string>());
            Update(ReplicaSets, rsKey, _objects[rsKey], replicaSet, "rollout", WriteOptions.Default);
        }
        if (updated is not null)
            Update(type, key, deployment, updated, "rollout", WriteOptions.Default);
    }

    private void Publish(ResourceType type, string ns, WatchEvent e)
    {
        _log.Add((_rv, type.Key, ns, e));
        if (_log.Count > LogCapacity)
        {
            _compactedThrough = _log[0].Rv;
            _log.RemoveAt(0);
        }
        // One copy of the object serves the log and every watcher: nothing downstream changes an event (the watch stream
        // only writes it out, a Table watch builds its rows from copies). A copy per watcher cost the harness gigabytes.
        foreach (var w in _watchers.Where(w => w.Type == type.Key && (w.Ns is null || w.Ns == ns) && w.Selector(e.Object)))
            w.Channel.Writer.TryWrite(e);
    }

    private void Count(ResourceType type, string verb)
    {
        var k = $"{type.Plural}:{verb}";
        Writes[k] = Writes.GetValueOrDefault(k) + 1;
    }

    public int WriteCount(string plural, string verb)
    {
        lock (_gate)
            return Writes.GetValueOrDefault($"{plural}:{verb}");
    }

    private JsonObject Find(ResourceType type, string ns, string name) =>
        _objects.TryGetValue((type.Key, type.Namespaced ? ns : "", name), out var o)
            ? o
            : throw new ApiException(404, "NotFound", $"{type.Plural}{(type.Group.Length > 0 ? "." + type.Group : "")} \"{name}\" not found");

    private static ApiException Conflict(ResourceType type, string name) =>
        new(
            409,
            "Conflict",
            $"Operation cannot be fulfilled on {type.Plural}.{type.Group} \"{name}\": the object has been modified; please apply your "
                + $"changes to the latest version and try again"
        );

    /// <summary>What the API server does between decoding and storing: strict or warned unknown fields, defaults, then schema validation.</summary>
    private static void Admit(ResourceType type, JsonObject obj, WriteOptions options)
    {
        var name = Meta(obj)["name"]?.GetValue<string>() ?? "";
        var unknown =
            type.Kind == "CustomResourceDefinition" ? StructuralSchema.UnknownCrdFields(obj)
            : type.OpenApiSchema is { } schema ? StructuralSchema.PruneAndDefault(schema, obj)
            : [];
        if (unknown.Count > 0)
        {
            if (options.FieldValidation == "Strict")
                throw new ApiException(
                    400,
                    "BadRequest",
                    $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: "
                        + string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""))
                );
            if (options.FieldValidation == "Warn")
                options.Warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
        }
        // RBAC objects are named as path segments (system:auth-delegator); every other kind here as an RFC 1123 subdomain.
        if (type.Group == "rbac.authorization.k8s.io")
        {
            if (name is "." or ".." || name.Contains('/') || name.Contains('%'))
                throw new ApiException(
                    422,
                    "Invalid",
                    $"{type.Kind} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": may not contain '/' or '%'"
                );
        }
        else if (name.Length > 253 || (name.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")))
            throw new ApiException(
                422,
                "Invalid",
                $"{type.Kind} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist "
                    + $"of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
            );
        ValidateLabels(type, obj, name);
        Validate(type, obj);
    }

    private static readonly System.Text.RegularExpressions.Regex LabelValue = new(
        "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$",
        System.Text.RegularExpressions.RegexOptions.NonBacktracking
    );

    /// <summary>
    /// metadata.labels as a real server checks them: values of at most 63 characters, alphanumeric at both ends, with
    /// '-', '_' or '.' between (keys are left alone: the clients here only write well-formed ones).
    /// </summary>
    private static void ValidateLabels(ResourceType type, JsonObject obj, string name)
    {
        if (Meta(obj)["labels"] is not JsonObject labels)
            return;
        var errors = new List<string>();
        foreach (var value in labels.Select(kv => kv.Value))
        {
            var text = value is JsonValue v && v.TryGetValue<string>(out var t) ? t : value?.ToJsonString() ?? "";
            if (text.Length > 63)
                errors.Add($"metadata.labels: Invalid value: \"{text}\": must be no more than 63 characters");
            else if (!LabelValue.IsMatch(text))
                errors.Add(
                    $"metadata.labels: Invalid value: \"{text}\": a valid label must be an empty string or consist of alphanumeric "
                        + "characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                );
        }
        if (errors.Count > 0)
            throw new ApiException(422, "Invalid", $"{type.Kind} \"{name}\" is invalid: {string.Join(", ", errors)}");
    }

    private static void Validate(ResourceType type, JsonObject obj)
    {
        if (type.Schema is null)
            return;
        var errors = type.Schema.Validate(obj.ToJsonString());
        if (errors.Count > 0)
            throw new ApiException(
                422,
                "Invalid",
                $"{type.Kind}.{type.Group} \"{Meta(obj)["name"]}\" is invalid: "
                    + string.Join(", ", Leaves(errors).Select(e => $"{e.Path?.TrimStart('#', '/').Replace('/', '.')}: {Words(e)}"))
            );
    }

    /// <summary>The innermost errors: a real server names the field that is wrong, not the array item that holds it.</summary>
    private static IEnumerable<NJsonSchema.Validation.ValidationError> Leaves(IEnumerable<NJsonSchema.Validation.ValidationError> errors) =>
        errors.SelectMany(e =>
            e is NJsonSchema.Validation.ChildSchemaValidationError child && child.Errors.Values.SelectMany(v => v).Any()
                ? Leaves(child.Errors.Values.SelectMany(v => v))
                : [e]
        );

    /// <summary>The kind of error in a real server's words where they differ.</summary>
    private static string Words(NJsonSchema.Validation.ValidationError e) =>
        e.Kind.ToString() switch
        {
            "StringExpected" => "Invalid value: must be of type string",
            "IntegerExpected" => "Invalid value: must be of type integer",
            "NumberExpected" => "Invalid value: must be of type number",
            "BooleanExpected" => "Invalid value: must be of type boolean",
            "ObjectExpected" => "Invalid value: must be of type object",
            "ArrayExpected" => "Invalid value: must be of type array",
            "NotInEnumeration" => "Unsupported value",
            "PropertyRequired" => "Required value",
            var kind => kind,
        };

    /// <summary>
    /// The status of <paramref name="from"/> on <paramref name="to"/>; absent when it has none, as a real server stores it
    /// (a "status": null would then fail the schema's object type, which no real server does to an object without status).
    /// </summary>
    private static void SetStatus(JsonObject to, JsonObject from)
    {
        if (from["status"] is { } status)
            to["status"] = status.DeepClone();
        else
            to.Remove("status");
    }

    internal static JsonObject Meta(JsonObject o) => o["metadata"] as JsonObject ?? (JsonObject)(o["metadata"] = new JsonObject());
}
