using System.Diagnostics;
using System.Text.Json.Nodes;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.IntegrationTests.Packaging;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>
/// The README's kubectl and helm commands, run with the real binaries (from the tools cache scripts/bootstrap.sh fills)
/// against the API test server, with the operator running under the chart's own ServiceAccount and RBAC and a real
/// Prometheus. What kubectl and helm accept and print here is what nobody in this project wrote.
/// </summary>
public sealed class RealClientToolsTests(BackfilledPrometheus prometheus) : IClassFixture<BackfilledPrometheus>
{
    private static readonly DateTimeOffset Deploy = BackfilledPrometheus.Deploy;

    private sealed record Result(int Code, string Out, string Err)
    {
        public string All => Out + Err;
    }

    private static Result Run(string tool, string kubeconfig, string? stdin, params string[] args)
    {
        using var p = Process.Start(StartInfo(tool, kubeconfig, stdin is not null, args))!;
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            Assert.Fail($"{tool} {string.Join(" ", args)} did not finish in 120 s");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    private static ProcessStartInfo StartInfo(string tool, string kubeconfig, bool stdin, string[] args)
    {
        var psi = new ProcessStartInfo(Tools.Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin,
            UseShellExecute = false,
            WorkingDirectory = Tools.Root,
        };
        psi.Environment["KUBECONFIG"] = kubeconfig;
        psi.Environment["HELM_CACHE_HOME"] = Path.Combine(Path.GetDirectoryName(kubeconfig)!, "helm-cache");
        psi.Environment["HELM_CONFIG_HOME"] = Path.Combine(Path.GetDirectoryName(kubeconfig)!, "helm-config");
        psi.Environment["HELM_DATA_HOME"] = Path.Combine(Path.GetDirectoryName(kubeconfig)!, "helm-data");
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        return psi;
    }

    private static Result Ok(Result r, string what)
    {
        Assert.True(r.Code == 0, $"{what} failed ({r.Code}): {r.All}");
        return r;
    }

    [Fact]
    public async Task The_readme_kubectl_and_helm_commands_work_against_the_operator_under_the_charts_rbac()
    {
        PrometheusRequirement.EnsureAvailable();
        await using var h = await OperatorHarness.StartAsync(installCrd: false);
        var kc = h.Kubeconfig;
        Result Kubectl(params string[] a) => Run("kubectl", kc, null, a);

        // A fresh cluster: the CRD through kubectl, then the chart through helm (its RBAC, ServiceAccounts, Deployment…).
        Assert.Contains(
            "customresourcedefinition.apiextensions.k8s.io/releases.releaseradar.io created",
            Ok(Kubectl("apply", "-f", "config/crd/"), "kubectl apply -f config/crd/").Out
        );
        Ok(
            Run(
                "helm",
                kc,
                null,
                "install",
                "release-radar",
                "charts/release-radar",
                "-n",
                "release-radar",
                "--create-namespace",
                "--set",
                "prometheus.url=http://prometheus.monitoring.svc:9090"
            ),
            "helm install"
        );
        Assert.Contains("release-radar", Ok(Kubectl("get", "deployment", "-n", "release-radar"), "get deployment").Out);

        // The operator runs as the chart's ServiceAccount: every rule it lacks is a 403 here, as on a cluster.
        var token = h.Api.Rbac.IssueToken("release-radar", "release-radar");
        var operatorConfig = h.Api.WriteKubeconfig(Path.GetDirectoryName(kc)!, "operator", token, "release-radar");
        await h.StartOperatorAsync(
            prometheus.Server!.Url,
            TimeProvider.System,
            leaderElection: true,
            kubeconfig: operatorConfig,
            leaseNamespace: "release-radar"
        );

        // Every sample applies as a directory, namespaces included; unknown fields are refused as a real server refuses them.
        Ok(Kubectl("apply", "-f", "config/samples/"), "kubectl apply -f config/samples/");
        var bad = Run(
            "kubectl",
            kc,
            """
            apiVersion: releaseradar.io/v1alpha1
            kind: Release
            metadata: { name: typo, namespace: shop }
            spec: { selector: { service: checkout }, analysis: { windw: 5m } }
            """,
            "apply",
            "-f",
            "-"
        );
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("unknown field \"spec.analysis.windw\"", bad.Err);

        const string RevisionPath = "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}";
        // A deployment with two revisions (v1, then `kubectl set image` to v2: the API test server's Deployment controller
        // makes their ReplicaSets), and two releases whose traffic is in Prometheus: one healthy, one broken with Undo.
        Ok(
            Run(
                "kubectl",
                kc,
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: { name: checkout, namespace: shop }
                spec:
                  selector: { matchLabels: { app: checkout } }
                  template:
                    metadata: { labels: { app: checkout } }
                    spec: { containers: [{ name: app, image: "shop/checkout:v1" }] }
                """,
                "apply",
                "-f",
                "-"
            ),
            "apply deployment"
        );
        Ok(Kubectl("set", "image", "deployment/checkout", "app=shop/checkout:v2", "-n", "shop"), "kubectl set image");
        Assert.Equal("2", Ok(Kubectl("get", "deploy", "checkout", "-n", "shop", "-o", RevisionPath), "revision").Out.Trim());
        // `kubectl get -w` follows the verdicts as they are written, over the server's watch (Table rows per event).
        using var watch = Process.Start(StartInfo("kubectl", kc, false, ["get", "releases", "-n", "shop", "-w", "--output-watch-events"]))!;
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reading = Task.Run(
            async () =>
            {
                while (await watch.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
                    events.Enqueue(line);
            },
            TestContext.Current.CancellationToken
        );
        foreach (
            var (name, scenario, extra) in new[]
            {
                ("checkout-good", "good", ""),
                ("checkout-bad", "errors", "  target: { name: checkout }\n  rollback: Undo"),
            }
        )
            Ok(
                Run(
                    "kubectl",
                    kc,
                    $$"""
                    apiVersion: releaseradar.io/v1alpha1
                    kind: Release
                    metadata: { name: {{name}}, namespace: shop }
                    spec:
                      version: v2
                      deployedAt: "{{Deploy:yyyy-MM-ddTHH:mm:ssZ}}"
                      selector: { service: checkout, scenario: "{{scenario}}" }
                    {{extra}}
                    """,
                    "apply",
                    "-f",
                    "-"
                ),
                "apply " + name
            );

        Ok(Kubectl("wait", "release/checkout-good", "-n", "shop", "--for=jsonpath={.status.verdict}=OK", "--timeout=90s"), "kubectl wait OK");
        Ok(
            Kubectl(
                "wait",
                "release/checkout-bad",
                "-n",
                "shop",
                $"--for=jsonpath={{.status.verdict}}={StatusWire.Word(Verdict.Risky)}",
                "--timeout=90s"
            ),
            $"kubectl wait {StatusWire.Word(Verdict.Risky)}"
        );
        // The Undo follows the verdict once the binding it names is stored; the rollback then supersedes the Release.
        Ok(Kubectl("wait", "release/checkout-bad", "-n", "shop", "--for=jsonpath={.status.phase}=Superseded", "--timeout=60s"), "superseded");
        Ok(Kubectl("wait", "release/checkout-v2-3-1", "-n", "shop", "--for=jsonpath={.status.phase}", "--timeout=60s"), "a sample gets a status");

        // The verdict's event may reach the watcher a moment after `kubectl wait` saw it: wait for it, not for a fixed time.
        bool RiskySeen() =>
            events.Any(l =>
                l.StartsWith("MODIFIED", StringComparison.Ordinal)
                && l.Contains("checkout-bad", StringComparison.Ordinal)
                && l.Contains(StatusWire.Word(Verdict.Risky), StringComparison.Ordinal)
            );
        var seenBy = DateTime.UtcNow.AddSeconds(15);
        while (!RiskySeen() && DateTime.UtcNow < seenBy)
            await Task.Delay(50, TestContext.Current.CancellationToken);
        watch.Kill(true);
        await reading.ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.Contains("EVENT", events.First());
        Assert.Contains("VERDICT", events.First());
        Assert.Contains(events, l => l.StartsWith("ADDED", StringComparison.Ordinal) && l.Contains("checkout-bad", StringComparison.Ordinal));
        Assert.Contains(
            events,
            l =>
                l.StartsWith("MODIFIED", StringComparison.Ordinal)
                && l.Contains("checkout-bad", StringComparison.Ordinal)
                && l.Contains(StatusWire.Word(Verdict.Risky), StringComparison.Ordinal)
        );

        var table = Ok(Kubectl("get", "releases", "-A"), "get releases -A").Out.Split('\n');
        foreach (var column in new[] { "NAMESPACE", "NAME", "VERSION", "TARGET", "VERDICT", "SCORE", "ERRORS", "P95", "PHASE", "DEPLOYED" })
            Assert.Contains(column, table[0]);
        // Values a person reads: the error rate as a percentage and P95 with its unit, not a raw ratio and seconds.
        Assert.Matches(@"\s\d+\.\d{1,2}%\s+\d+(\.\d)?ms\s", table.Single(l => l.Contains("checkout-good", StringComparison.Ordinal)));
        var good = table.Single(l => l.Contains("checkout-good", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["shop", "checkout-good", "v2"], good[..3]);
        Assert.Contains("OK", good);
        Assert.Contains("Completed", good);
        var bad2 = table.Single(l => l.Contains("checkout-bad", StringComparison.Ordinal));
        Assert.Matches($@"{StatusWire.Word(Verdict.Risky)}\s+\d{{2,3}}\s", bad2);
        // kubectl follows the API test server's continue tokens (the operator's informer lists in pages the same way).
        var whole = Ok(Kubectl("get", "releases", "-A", "-o", "name", "--chunk-size=0"), "get without paging").Out;
        var paged = Ok(Kubectl("get", "releases", "-A", "-o", "name", "--chunk-size=1"), "get in pages of one").Out;
        Assert.True(whole.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 3, whole);
        Assert.Equal(whole, paged);
        var wide = Ok(Kubectl("get", "rel", "-n", "shop", "-o", "wide"), "get -o wide").Out.Split('\n');
        var narrow = Ok(Kubectl("get", "rel", "-n", "shop"), "get").Out.Split('\n');
        Assert.Contains("checkout-good", wide[1] + wide[2]);
        static string[] Columns(string header) => header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(Columns(wide[0]).Length > Columns(narrow[0]).Length, $"{wide[0]}\n{narrow[0]}");
        foreach (var column in new[] { "BASELINE-ERRORS", "BASELINE-P95", "DEPLOYED-AT", "WINDOW-END", "PREDECESSOR", "REVISION" })
            Assert.Contains(column, Columns(wide[0]));
        Assert.DoesNotContain("BASELINE-ERRORS", narrow[0]);
        var goodWide = wide.Single(l => l.Contains("checkout-good", StringComparison.Ordinal));
        // ERRORS, P95, PHASE, DEPLOYED (an age), then the baseline's values and the deploy time.
        Assert.Matches(@"\s\d+\.\d{1,2}%\s+\d+(\.\d)?ms\s+Completed\s+\d+[smhdy]\S*\s+\d+\.\d{1,2}%\s+\d+(\.\d)?ms\s+\d{4}-\d\d-\d\dT", goodWide);
        Assert.Contains("verdict: OK", Ok(Kubectl("get", "release", "checkout-good", "-n", "shop", "-o", "yaml"), "get -o yaml").Out);

        // describe shows the Events the operator recorded; the rollback happened through the chart's RBAC.
        var describe = Ok(Kubectl("describe", "release", "checkout-bad", "-n", "shop"), "describe").Out;
        Assert.Contains("Events:", describe);
        Assert.Contains("VerdictRiesgoso", describe);
        Assert.Contains("RolledBack", describe);
        Assert.Equal(
            "shop/checkout:v1",
            Ok(Kubectl("get", "deploy", "checkout", "-n", "shop", "-o", "jsonpath={.spec.template.spec.containers[0].image}"), "image").Out
        );

        var explain = Ok(Kubectl("explain", "release.spec.analysis.thresholds.errorRate"), "explain").Out;
        Assert.Contains("minIncrease", explain);
        Assert.Contains("or seconds", explain); // the whole description: no YAML comma cut it short

        Ok(Kubectl("delete", "release", "checkout-good", "-n", "shop"), "delete");
        Assert.Contains("NotFound", Kubectl("get", "release", "checkout-good", "-n", "shop").Err);

        // Helm: upgrade with a header (args must stay strings), the example app chart's hook, and uninstall.
        Ok(
            Run(
                "helm",
                kc,
                null,
                "upgrade",
                "release-radar",
                "charts/release-radar",
                "-n",
                "release-radar",
                "--set",
                "prometheus.url=http://prometheus.monitoring.svc:9090",
                "--set",
                "prometheus.headers.X-Scope-OrgID=tenant-a"
            ),
            "helm upgrade"
        );
        var args = Ok(Kubectl("get", "deploy", "release-radar", "-n", "release-radar", "-o", "json"), "get operator deployment").Out;
        var container = JsonNode.Parse(args)!["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray();
        Assert.All(container, a => Assert.Equal(System.Text.Json.JsonValueKind.String, a!.GetValueKind()));
        Assert.Contains(container, a => a!.GetValue<string>() == "--prometheus-header=X-Scope-OrgID: tenant-a");
        Ok(Kubectl("create", "namespace", "storefront"), "create namespace");
        Ok(
            Run("helm", kc, null, "install", "storefront", Tools.ExampleChart(), "-n", "storefront", "--timeout", "60s"),
            "helm install example chart"
        );
        Assert.Contains("checkout-v2-3-1", Ok(Kubectl("get", "releases", "-n", "storefront"), "hook release").Out);

        // Helm as teams roll back: an upgrade to 2.3.2 (its hook creates checkout-v2-3-2), then `helm rollback` in the middle
        // of its window. The Deployment runs 2.3.1's pod template again: checkout-v2-3-2 stops, Superseded by a rollout it
        // did not make, and the earlier Release stays as evidence.
        Ok(
            Kubectl("wait", "release/checkout-v2-3-1", "-n", "storefront", "--for=jsonpath={.status.binding.revision}=1", "--timeout=60s"),
            "hook release bound"
        );
        Ok(
            Run(
                "helm",
                kc,
                null,
                "upgrade",
                "storefront",
                Tools.ExampleChart(),
                "-n",
                "storefront",
                "--set",
                "image=ghcr.io/example/checkout:2.3.2",
                "--timeout",
                "60s"
            ),
            "helm upgrade example chart"
        );
        Ok(
            Kubectl("wait", "release/checkout-v2-3-2", "-n", "storefront", "--for=jsonpath={.status.binding.revision}=2", "--timeout=60s"),
            "the upgrade's release bound to revision 2"
        );
        Ok(Run("helm", kc, null, "rollback", "storefront", "1", "-n", "storefront", "--timeout", "60s"), "helm rollback");
        Ok(
            Kubectl("wait", "release/checkout-v2-3-2", "-n", "storefront", "--for=jsonpath={.status.phase}=Superseded", "--timeout=60s"),
            "superseded by the helm rollback"
        );
        Assert.Equal(
            "NewRollout",
            Ok(
                Kubectl(
                    "get",
                    "release",
                    "checkout-v2-3-2",
                    "-n",
                    "storefront",
                    "-o",
                    "jsonpath={.status.conditions[?(@.type==\"Superseded\")].reason}"
                ),
                "superseded reason"
            ).Out
        );
        Assert.Equal("3", Ok(Kubectl("get", "deploy", "checkout", "-n", "storefront", "-o", RevisionPath), "revision after rollback").Out.Trim());
        Assert.Contains("checkout-v2-3-1", Ok(Kubectl("get", "releases", "-n", "storefront"), "releases after rollback").Out);
        Assert.Empty(h.Api.Forbidden); // nothing the operator did needed a rule the chart lacks
        Ok(Run("helm", kc, null, "uninstall", "release-radar", "-n", "release-radar"), "helm uninstall");
        Assert.Contains("No resources found", Kubectl("get", "deployment", "-n", "release-radar").All);

        Assert.Empty(h.Api.ServerErrors);
    }
}
