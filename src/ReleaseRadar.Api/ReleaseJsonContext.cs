using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api.Evidence;

namespace ReleaseRadar.Api;

/// <summary>
/// Compile-time JSON metadata for every type Release Radar reads or writes: no reflection, so the native binary works and
/// a JIT process skips building serializers at start-up. Serializing a type not listed here fails fast, in every build.
/// </summary>
[JsonSerializable(typeof(Release))]
[JsonSerializable(typeof(ReleaseList))]
[JsonSerializable(typeof(ReleaseStatus))]
[JsonSerializable(typeof(List<HistoryEntry>))]
[JsonSerializable(typeof(AnalysisDefaults))]
[JsonSerializable(typeof(EvidenceReport))]
[JsonSerializable(typeof(IReadOnlyList<EvidenceReport>))]
[JsonSerializable(typeof(Timeline))]
[JsonSerializable(typeof(SuspectsReport))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(object))]
// Watch events: custom objects arrive untyped (object, a JsonElement); Deployments for auto-tracking. The client reads
// each line first as a KubernetesObject event (to spot an ERROR Status); a native build trims that type's constructor
// unless it is named here, and then every event fails to read.
[JsonSerializable(typeof(Watcher<object>.WatchEvent))]
[JsonSerializable(typeof(Watcher<KubernetesObject>.WatchEvent))]
[JsonSerializable(typeof(Watcher<V1Deployment>.WatchEvent))]
public sealed partial class ReleaseJsonContext : JsonSerializerContext
{
    /// <summary>
    /// KubernetesClient (de)serializes custom objects with its own options, whose resolver knows only the built-in kinds:
    /// ours go first in its chain. A module initializer, because those options freeze at their first use, which may come
    /// from any entry point or test before a line of ours has run.
    /// </summary>
#pragma warning disable CA2255 // the reason above: registration must precede every use of KubernetesJson
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterWithKubernetesJson() =>
        KubernetesJson.AddJsonOptions(o =>
        {
            o.TypeInfoResolverChain.Insert(0, Default);
            _kubernetes = o;
        });

    private static JsonSerializerOptions? _kubernetes;

    /// <summary>
    /// How KubernetesClient reads and writes <typeparamref name="T"/> (its converters, our types first): for the few calls that
    /// read or write the wire format with a <see cref="Utf8JsonReader"/> of their own instead of going through the client.
    /// </summary>
    public static JsonTypeInfo<T> Kubernetes<T>() =>
        (JsonTypeInfo<T>)(_kubernetes ?? throw new InvalidOperationException("KubernetesJson options not registered")).GetTypeInfo(typeof(T));
}
