using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using StructuralSchema = ReleaseRadar.KubeApiServer.StructuralSchema;

namespace ReleaseRadar.IntegrationTests.Packaging;

/// <summary>
/// Every manifest the project ships or renders, checked against schemas nobody here wrote: the npm kubernetes-models
/// validators (Kubernetes' OpenAPI, Argo Rollouts' and the Prometheus Operator's CRDs) for types, required fields and
/// formats, and KubernetesClient's generated models in strict mode for unknown fields, which a real API server refuses
/// under kubectl's default strict field validation. Release documents are checked by the CRD schema elsewhere
/// (RealClientToolsTests applies them to the API test server).
/// </summary>
public sealed class ManifestSchemaTests
{
    public static TheoryData<string, string[]> ChartVariants =>
        new()
        {
            { "defaults", [] },
            {
                "everything on",
                [
                    "ingress.enabled=true",
                    "ingress.className=nginx",
                    "ingress.tls[0].secretName=rr-tls",
                    "ingress.tls[0].hosts[0]=rr.example.com",
                    "serviceMonitor.enabled=true",
                    "podMonitor.enabled=true",
                    "mockExporter.enabled=true",
                    "networkPolicy.enabled=true",
                    "webhook.secretName=rr-webhook",
                    "prometheus.headers.X-Scope-OrgID=tenant-a",
                    "prometheus.bearerTokenSecret.name=prom-token",
                    "analysisDefaults.analysis.window=60m",
                    "evidence.persistence.storageClassName=standard",
                ]
            },
            { "namespaced, basic auth", ["operator.watchNamespaces={shop,payments}", "prometheus.basicAuthSecret.name=prom-auth"] },
            {
                "one replica, no evidence, no tracking",
                ["operator.replicas=1", "operator.leaderElection=false", "operator.autoTrack=false", "evidence.enabled=false"]
            },
        };

    [Theory]
    [MemberData(nameof(ChartVariants))]
    public void Every_chart_variant_renders_manifests_the_real_schemas_accept(string variant, string[] set)
    {
        var args = new List<string> { "template", "rr", "charts/release-radar", "--namespace", "release-radar", "--include-crds" };
        foreach (var s in set)
        {
            args.Add("--set");
            args.Add(s);
        }
        var rendered = Tools.Helm([.. args]);
        AssertValid(variant, rendered);
    }

    [Fact]
    public void The_example_application_chart_renders_manifests_the_real_schemas_accept()
    {
        var rendered = Tools.Helm("template", "storefront", Tools.ExampleChart(), "--namespace", "storefront");
        Assert.Contains("kind: Release", rendered); // the hook is there, and is checked by the CRD elsewhere
        AssertValid("shop-checkout", rendered);
    }

    private static readonly string[] ManifestDirectories = ["samples", "argo-rollouts", "crd", "hooks"];

    public static TheoryData<string> ShippedManifests =>
        new(
            ManifestDirectories
                .SelectMany(dir => Directory.GetFiles(Path.Combine(RepoPaths.Root, "config", dir), "*.yaml"))
                // Helm templates are checked rendered, through the example chart; Argo's {{args.x}} and PromQL's {{selector}} are data.
                .Where(f => !System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"\{\{-?\s*(\.|\$|include |printf )"))
                .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
                .Order()
        );

    [Theory]
    [MemberData(nameof(ShippedManifests))]
    public void Every_shipped_manifest_is_accepted_by_the_real_schemas(string file) =>
        AssertValid(file, File.ReadAllText(Path.Combine(RepoPaths.Root, file)));

    [Fact]
    public void The_checks_refuse_what_a_real_server_refuses()
    {
        // The bugs these checks exist for: a header rendered as a map instead of a string, a misspelt field, a duplicate
        // key, and a kind no schema covers. Each must be refused, or the tests above prove nothing.
        const string deployment =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  selector: {matchLabels: {app: a}}\n"
            + "  template:\n    metadata: {labels: {app: a}}\n    spec:\n      containers:\n        - name: c\n          image: i\n";
        Assert.Null(Problems(deployment).FirstOrDefault());
        Assert.Contains("must be string", Validators(deployment + "          args: [{X-Scope-OrgID: tenant-a}]\n").Output);
        Assert.Contains("imagePullPolcy", Assert.Single(StrictModelProblems(deployment + "          imagePullPolcy: Always\n")));
        Assert.Contains(
            "e.g. a",
            Assert.Single(StrictModelProblems(deployment.Replace("image: i", "image: i\n          env: [{ name: A, value: x, e.g. a }]")))
        );
        Assert.Contains(
            "Map keys must be unique",
            Validators(deployment.Replace("metadata: {name: a}", "metadata: {name: a}\nkind: Service")).Output
        );
        Assert.Contains(
            "no published schema for example.com/v1 Widget",
            Validators("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n").Output
        );
    }

    private static void AssertValid(string what, string yaml)
    {
        var problems = Problems(yaml).ToList();
        Assert.True(problems.Count == 0, $"{what}:\n{string.Join("\n", problems)}");
    }

    private static IEnumerable<string> Problems(string yaml)
    {
        var (code, output) = Validators(yaml);
        if (code != 0)
            yield return output;
        foreach (var p in StrictModelProblems(yaml))
            yield return p;
    }

    private static (int Code, string Output) Validators(string yaml)
    {
        var node = Tools.Require("node");
        Tools.NodeModule("kubernetes-models");
        var file = Path.Combine(Path.GetTempPath(), $"rr-manifest-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        try
        {
            var (code, output, error) = Tools.Run(node, "scripts/validate-manifests.mjs", file);
            Assert.Matches(@"\d+ document\(s\), \d+ invalid", output); // the validator ran to its summary
            return (code, output + error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static readonly Dictionary<string, Type> BuiltInKinds = typeof(V1Deployment)
        .Assembly.GetTypes()
        .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
        .Where(x => x.Entity is not null && !x.Type.Name.EndsWith("List", StringComparison.Ordinal))
        .GroupBy(x => ApiVersion(x.Entity!.Group, x.Entity.ApiVersion) + "/" + x.Entity.Kind)
        .ToDictionary(g => g.Key, g => g.First().Type);

    private static string ApiVersion(string group, string version) => string.IsNullOrEmpty(group) ? version : $"{group}/{version}";

    /// <summary>Unknown fields in built-in kinds, found by KubernetesClient's generated models.</summary>
    private static IEnumerable<string> StrictModelProblems(string yaml)
    {
        foreach (var doc in YamlJson.ParseAll(yaml).OfType<JsonObject>())
        {
            var key = $"{doc["apiVersion"]}/{doc["kind"]}";
            if (!BuiltInKinds.TryGetValue(key, out var type))
                continue;
            // KubernetesClient types a schema's items and additionalProperties as plain objects, so the nested schemas
            // of a CRD are checked by the API test server's admission (the keys of JSONSchemaProps), as helm's create
            // sends them: a null-valued key, which kubectl apply would drop, is still an unknown field there.
            if (type == typeof(V1CustomResourceDefinition))
                foreach (var field in StructuralSchema.UnknownCrdFields(doc))
                    yield return $"{key} {doc["metadata"]?["name"]}: unknown field \"{field}\"";
            string? problem = null;
            try
            {
                doc.Deserialize(type, ManifestReader.Strict);
            }
            catch (JsonException e)
            {
                problem = $"{key} {doc["metadata"]?["name"]}: {e.Message}";
            }
            if (problem is not null)
                yield return problem;
        }
    }
}
