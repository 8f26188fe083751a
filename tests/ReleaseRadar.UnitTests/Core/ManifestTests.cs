using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using YamlDotNet.RepresentationModel;

namespace ReleaseRadar.UnitTests.Core;

public sealed class ManifestTests
{
    public static IEnumerable<TheoryDataRow<string>> Samples() =>
        Directory.GetFiles(RepoPaths.Of("config", "samples"), "release-*.yaml").Select(f => new TheoryDataRow<string>(Path.GetFileName(f)));

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_sample_reads_and_plans_without_errors(string file)
    {
        var releases = ManifestReader.ReadReleases(File.ReadAllText(RepoPaths.Of("config", "samples", file)), file);
        foreach (var r in releases)
        {
            r.Metadata.CreationTimestamp ??= DateTime.UtcNow;
            var result = ReleasePlanner.Plan(r.Subject);
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
        }
    }

    [Fact]
    public void Malformed_yaml_names_the_line()
    {
        var e = Assert.Throws<ManifestException>(() =>
            ManifestReader.ReadReleases("apiVersion: releaseradar.io/v1alpha1\nkind: Release\nspec:\n  selector: [unclosed\n", "bad.yaml")
        );
        Assert.StartsWith("bad.yaml: not valid YAML at line ", e.Message);
    }

    [Fact]
    public void Wrong_api_version_is_refused()
    {
        var e = Assert.Throws<ManifestException>(() =>
            ManifestReader.ReadReleases("apiVersion: releaseradar.io/v9\nkind: Release\nmetadata: {name: x}\n", "x.yaml")
        );
        Assert.Equal("x.yaml: apiVersion 'releaseradar.io/v9' is not releaseradar.io/v1alpha1", e.Message);
    }

    [Fact]
    public void Empty_and_release_less_files_are_refused()
    {
        Assert.Equal("e.yaml: the file is empty", Assert.Throws<ManifestException>(() => ManifestReader.ReadReleases("  \n", "e.yaml")).Message);
        Assert.StartsWith(
            "d.yaml: contains no Release",
            Assert
                .Throws<ManifestException>(() =>
                    ManifestReader.ReadReleases("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n", "d.yaml")
                )
                .Message
        );
    }

    [Fact]
    public void Several_documents_are_read_and_other_kinds_skipped()
    {
        var text =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\n---\n"
            + "apiVersion: releaseradar.io/v1alpha1\nkind: Release\nmetadata: {name: a}\nspec: {selector: {service: a}}\n---\n"
            + "{\"apiVersion\":\"releaseradar.io/v1alpha1\",\"kind\":\"Release\",\"metadata\":{\"name\":\"b\"},"
            + "\"spec\":{\"selector\":{\"service\":\"b\"}}}\n";
        Assert.Equal(["a", "b"], ManifestReader.ReadReleases(text).Select(r => r.Metadata.Name));
    }

    [Fact]
    public void The_crd_schema_covers_every_spec_field_of_the_csharp_model()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoPaths.Of("config", "crd", "releases.releaseradar.io.yaml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        YamlMappingNode Map(YamlNode n, params string[] path) => path.Aggregate((YamlMappingNode)n, (m, k) => (YamlMappingNode)m[k]);
        var version = (YamlMappingNode)((YamlSequenceNode)Map(root, "spec")["versions"])[0];
        var spec = Map(version, "schema", "openAPIV3Schema", "properties", "spec", "properties");
        var status = Map(version, "schema", "openAPIV3Schema", "properties", "status", "properties");

        static IEnumerable<string> JsonNames(Type t) => t.GetProperties().Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]);
        static IEnumerable<string> Keys(YamlMappingNode m) => m.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

        Assert.Equal(JsonNames(typeof(ReleaseSpec)).Order(), Keys(spec).Order());
        Assert.Equal(JsonNames(typeof(AnalysisSpec)).Order(), Keys(Map(spec, "analysis", "properties")).Order());
        Assert.Equal(JsonNames(typeof(MetricsSpec)).Order(), Keys(Map(spec, "metrics", "properties")).Order());
        Assert.Equal(JsonNames(typeof(ThresholdsSpec)).Order(), Keys(Map(spec, "analysis", "properties", "thresholds", "properties")).Order());
        Assert.Equal(JsonNames(typeof(CustomMetricSpec)).Order(), Keys(Map((YamlMappingNode)spec["customMetrics"], "items", "properties")).Order());
        Assert.Equal(JsonNames(typeof(ReleaseStatus)).Order(), Keys(status).Order());
        // Every spec field is described, so `kubectl explain release.spec` explains it.
        Assert.All(
            spec.Children,
            kv => Assert.True(((YamlMappingNode)kv.Value).Children.ContainsKey("description"), $"spec.{kv.Key} has no description")
        );
    }

    [Fact]
    public void Every_crd_schema_node_has_a_description_so_kubectl_explain_explains_it()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepoPaths.Of("config", "crd", "releases.releaseradar.io.yaml"))));
        var version = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode["spec"])["versions"])[0];
        var missing = new List<string>();
        void Walk(YamlMappingNode node, string path)
        {
            // metadata is ObjectMeta: the API server describes it, and a CRD may not redefine it.
            if (path != ".metadata" && !node.Children.ContainsKey("description"))
                missing.Add(path);
            if (node.Children.TryGetValue("properties", out var props))
                foreach (var (key, child) in (YamlMappingNode)props)
                    Walk((YamlMappingNode)child, $"{path}.{key}");
            if (node.Children.TryGetValue("items", out var items))
                Walk((YamlMappingNode)items, path + "[]");
            if (node.Children.TryGetValue("additionalProperties", out var extra) && extra is YamlMappingNode map)
                Walk(map, path + "{}");
        }
        Walk((YamlMappingNode)((YamlMappingNode)version["schema"])["openAPIV3Schema"], "");
        Assert.Empty(missing);
    }
}
