using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.State;

namespace ReleaseRadar.Api;

/// <summary>The Release custom resource: one rollout of one workload, and Release Radar's judgement of it.</summary>
public sealed class Release : IKubernetesObject<V1ObjectMeta>, ISpec<ReleaseSpec>, IStatus<ReleaseStatus?>
{
    public const string Group = "releaseradar.io";
    public const string Version = "v1alpha1";
    public const string KindName = "Release";
    public const string Plural = "releases";
    public const string ApiVersionValue = Group + "/" + Version;

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiVersionValue;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ReleaseSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public ReleaseStatus? Status { get; set; }

    /// <summary>
    /// What of the stored object could not be read and was left out (null: all of it was read), as the operator's decoder
    /// found it: the reconciler reports it on the Release, and its next status write stores only what was readable.
    /// </summary>
    [JsonIgnore]
    public string? Unreadable { get; set; }

    /// <summary>namespace/name, the key the work queue and the API use.</summary>
    [JsonIgnore]
    public string Key => KeyOf(Metadata.NamespaceProperty, Metadata.Name);

    /// <summary>What the analysis needs of this object: its key, spec generation, creation time and spec.</summary>
    [JsonIgnore]
    public ReleaseSubject Subject =>
        new(
            Metadata.NamespaceProperty,
            Metadata.Name,
            Metadata.Generation,
            Metadata.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : null,
            Spec
        );

    /// <summary>The typed state its status stands for.</summary>
    [JsonIgnore]
    public ReleaseState State => StatusWire.ToState(Status);

    /// <summary>The same object (metadata and spec shared, not copied) with another status: a status write's body, or a cache entry.</summary>
    public Release WithStatus(ReleaseStatus? status) =>
        new()
        {
            ApiVersion = ApiVersion,
            Kind = Kind,
            Metadata = Metadata,
            Spec = Spec,
            Status = status,
            Unreadable = Unreadable,
        };

    /// <summary>The key of the Release with this namespace and name (no namespace: "default").</summary>
    public static string KeyOf(string? ns, string? name) => $"{ns ?? "default"}/{name}";
}
