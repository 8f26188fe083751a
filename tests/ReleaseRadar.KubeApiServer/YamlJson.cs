using System.Text.Json.Nodes;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using CoreYamlJson = ReleaseRadar.Api.Manifests.YamlJson;

namespace ReleaseRadar.KubeApiServer;

/// <summary>YAML request bodies and manifests as JSON (the product's reader), with its errors as the API server's 400.</summary>
public static class YamlJson
{
    public static JsonNode? Parse(string yaml) => ParseAll(yaml).FirstOrDefault();

    public static List<JsonNode?> ParseAll(string yaml)
    {
        try
        {
            return CoreYamlJson.ParseAll(yaml);
        }
        catch (YamlJsonException e)
        {
            throw new ApiException(400, "BadRequest", $"the body is {e.Message}");
        }
    }
}
