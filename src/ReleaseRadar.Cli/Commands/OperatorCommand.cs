using System.CommandLine;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Operator;
using ReleaseRadar.Operator.Hosting;
using ReleaseRadar.Operator.Kubernetes;

namespace ReleaseRadar.Cli.Commands;

/// <summary>`releaseradar operator`: the Release controller, with leader election, probes and metrics.</summary>
public static class OperatorCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: in-cluster config, then $KUBECONFIG, then ~/.kube/config)" };
        var context = new Option<string?>("--context") { Description = "kubeconfig context" };
        var namespaces = new Option<string[]>("--namespace", "-n") { Description = "Namespace to watch (repeatable); all namespaces when omitted" };
        var defaults = new Option<string?>("--defaults") { Description = "YAML file of global analysis defaults" };
        var concurrency = new Option<int>("--concurrency") { Description = "Releases reconciled at once", DefaultValueFactory = _ => 4 };
        var resync = new Option<string>("--resync") { Description = "Periodic full resync", DefaultValueFactory = _ => "10m" };
        var listen = new Option<string>("--listen") { Description = "Address for /metrics, /healthz and /readyz", DefaultValueFactory = _ => "0.0.0.0:8080" };
        var noElection = new Option<bool>("--no-leader-election") { Description = "Run without a Lease (a single replica only)" };
        var leaseNamespace = new Option<string>("--lease-namespace") { Description = "Namespace of the leader Lease (default: $POD_NAMESPACE or default)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default" };
        var identity = new Option<string>("--identity") { Description = "Identity in the Lease (default: $POD_NAME or host-pid)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}-{Environment.ProcessId}" };
        var noTrack = new Option<bool>("--no-auto-track") { Description = "Do not create Releases for Deployments annotated releaseradar.io/track" };
        var webhook = new Option<string?>("--webhook-secret") { Description = "namespace/name of a Secret whose key 'url' is a Slack-compatible webhook" };
        var webhookHosts = new Option<string[]>("--webhook-allowed-hosts") { Description = "Hosts the webhook URL may use (repeatable); any when omitted", AllowMultipleArgumentsPerToken = true };
        var prometheus = new PrometheusConnection();
        var command = new Command("operator", "Run the Release controller: watch Releases, analyse them every interval, write their status")
        {
            kubeconfig, context, namespaces, defaults, concurrency, resync, listen, noElection, leaseNamespace, identity, noTrack, webhook, webhookHosts,
        };
        prometheus.AddTo(command);
        command.SetAction(async (result, ct) =>
        {
            try
            {
                if (!GoDuration.TryParse(result.GetValue(resync), out var resyncPeriod) || resyncPeriod < TimeSpan.FromSeconds(1) || resyncPeriod > TimeSpan.FromDays(1))
                    throw new UsageException("--resync: not a duration like 10m, between 1s and 24h");
                var options = new OperatorOptions
                {
                    Kubeconfig = result.GetValue(kubeconfig),
                    Context = result.GetValue(context),
                    Namespaces = result.GetValue(namespaces) ?? [],
                    Prometheus = prometheus.Resolve(result),
                    Defaults = result.GetValue(defaults) is { } d ? AnalyzeCommand.LoadDefaults(d) : AnalysisDefaults.None,
                    Concurrency = Math.Max(1, result.GetValue(concurrency)),
                    ResyncPeriod = resyncPeriod,
                    Listen = result.GetValue(listen)!,
                    LeaderElection = !result.GetValue(noElection),
                    LeaseNamespace = result.GetValue(leaseNamespace)!,
                    Identity = result.GetValue(identity)!,
                    AutoTrack = !result.GetValue(noTrack),
                    WebhookSecret = result.GetValue(webhook),
                    WebhookAllowedHosts = (result.GetValue(webhookHosts) ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase),
                };
                var client = KubernetesConnection.Create(options.Kubeconfig, options.Context);
                await using var app = OperatorHost.Build(options, client);
                await app.RunAsync();
                return 0;
            }
            catch (Exception e) when (e is UsageException or InvalidOperationException or k8s.Exceptions.KubeConfigException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }
}
