using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace ReleaseRadar.Api;

public sealed class ReleaseList : IKubernetesObject<V1ListMeta>, IItems<Release>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Release.ApiVersionValue;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ReleaseList";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<Release> Items { get; set; } = [];
}
