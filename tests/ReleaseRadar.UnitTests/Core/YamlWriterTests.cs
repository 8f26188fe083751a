using System.Text.Json.Nodes;
using ReleaseRadar.Api.Manifests;

namespace ReleaseRadar.UnitTests.Core;

/// <summary>`-o yaml` writes what reads back as the same JSON: strings that look like other types stay strings.</summary>
public sealed class YamlWriterTests
{
    [Fact]
    public void Strings_that_look_like_numbers_booleans_or_null_are_quoted_and_everything_reads_back()
    {
        var json = JsonNode.Parse(
            """
            {"verdict":"OK","flag":"true","no":"no","version":"1.10","empty":"","nothing":null,"colon":"a: b","dash":"- x",
             "hash":"#1","number":0.0459,"count":12000,"yes":true,"list":[{"time":"2026-12-07T10:00:00Z","onset":"-8s"}],
             "reasons":["5xx rate up 690% (0.21% → 1.69%, p<0.001)"]}
            """
        );
        var yaml = YamlWriter.Write(json);
        Assert.True(JsonNode.DeepEquals(json, YamlJson.Parse(yaml)), yaml);
        Assert.Contains("verdict: OK\n", yaml);
        Assert.Contains("flag: \"true\"\n", yaml);
        Assert.Contains("version: \"1.10\"\n", yaml);
        Assert.Contains("number: 0.0459\n", yaml);
    }
}
