using System.CommandLine;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Operator;
using ReleaseRadar.Operator.Hosting;
using ReleaseRadar.Operator.Kubernetes;
using ReleaseRadar.Operator.Store;

namespace ReleaseRadar.Cli.Commands;

/// <summary>`releaseradar operator`: the Release controller, with leader election, probes and metrics.</summary>
public static class OperatorCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "kubeconfig file (default: in-cluster config, then $KUBECONFIG, then ~/.kube/config)",
        };
        var context = new Option<string?>("--context") { Description = "kubeconfig context" };
        var namespaces = new Option<string[]>("--namespace", "-n") { Description = "Namespace to watch (repeatable); all namespaces when omitted" };
        var defaults = new Option<string?>("--defaults") { Description = "YAML file of global analysis defaults" };
        var concurrency = new Option<int>("--concurrency") { Description = "Releases reconciled at once", DefaultValueFactory = _ => 4 };
        var resync = new Option<string>("--resync") { Description = "Periodic full resync", DefaultValueFactory = _ => "10m" };
        var listen = new Option<string>("--listen")
        {
            Description =
                "Address for /metrics, /healthz, /readyz, the read-only HTTP API "
                + "(/releases, /analysis, /timeline, /gate; /openapi/v1.json) and the timeline page (/)",
            DefaultValueFactory = _ => "0.0.0.0:8080",
        };
        var apiAuth = new Option<bool>("--api-auth")
        {
            Description =
                "Ask the cluster who may read the API: a bearer token (TokenReview), then get/list on releases per namespace and "
                + "get on /metrics (SubjectAccessReview); /healthz and /readyz stay open",
        };
        var apiOpen = new Option<string[]>("--api-open-path")
        {
            Description = "A path served without a token under --api-auth (repeatable; a trailing / opens a prefix), e.g. / for the page",
        };
        var noElection = new Option<bool>("--no-leader-election") { Description = "Run without a Lease (a single replica only)" };
        var leaseNamespace = new Option<string>("--lease-namespace")
        {
            Description = "Namespace of the leader Lease (default: $POD_NAMESPACE or default)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "default",
        };
        var identity = new Option<string?>("--identity")
        {
            Description = "Identity in the Lease (default: $POD_NAME, else <host name>-<process id>)",
        };
        var leaseDuration = new Option<string>("--lease-duration")
        {
            Description = "How long a Lease holds without renewal before another replica may take it",
            DefaultValueFactory = _ => "15s",
        };
        var renewDeadline = new Option<string>("--renew-deadline")
        {
            Description = "How long the leader keeps trying to renew before it stops writing",
            DefaultValueFactory = _ => "10s",
        };
        var retryPeriod = new Option<string>("--retry-period")
        {
            Description = "How often replicas try to acquire or renew the Lease",
            DefaultValueFactory = _ => "2s",
        };
        var noTrack = new Option<bool>("--no-auto-track") { Description = "Do not create Releases for Deployments annotated releaseradar.io/track" };
        var webhook = new Option<string?>("--webhook-secret")
        {
            Description = "namespace/name of a Secret whose key 'url' is a Slack-compatible webhook",
        };
        var webhookHosts = new Option<string[]>("--webhook-allowed-hosts")
        {
            Description = "Hosts the webhook URL may use (repeatable); any when omitted",
            AllowMultipleArgumentsPerToken = true,
        };
        var store = new Option<string>("--store")
        {
            Description = "The Release cache: packed (histories compressed, for large fleets) or plain (KubernetesClient's whole objects)",
            DefaultValueFactory = _ => "packed",
        };
        store.AcceptOnlyFromAmong("packed", "plain");
        var sealKey = new Option<string?>("--status-seal-key-file")
        {
            Description =
                "File holding the key (at least 16 bytes) that seals every status the operator writes; without it, a random key, "
                + "and a restart re-derives every status once",
        };
        var prometheus = new PrometheusConnection();
        var command = new Command("operator", "Run the Release controller: watch Releases, analyse them every interval, write their status")
        {
            kubeconfig,
            context,
            namespaces,
            defaults,
            concurrency,
            resync,
            listen,
            apiAuth,
            apiOpen,
            noElection,
            leaseNamespace,
            identity,
            leaseDuration,
            renewDeadline,
            retryPeriod,
            noTrack,
            webhook,
            webhookHosts,
            store,
            sealKey,
        };
        prometheus.AddTo(command);
        command.SetAction(
            async (result, ct) =>
            {
                try
                {
                    if (
                        !GoDuration.TryParse(result.GetValue(resync), out var resyncPeriod)
                        || resyncPeriod < TimeSpan.FromSeconds(1)
                        || resyncPeriod > TimeSpan.FromDays(1)
                    )
                        throw new UsageException("--resync: not a duration like 10m, between 1s and 24h");
                    var lease = Duration(result.GetValue(leaseDuration)!, "--lease-duration");
                    var renew = Duration(result.GetValue(renewDeadline)!, "--renew-deadline");
                    var retry = Duration(result.GetValue(retryPeriod)!, "--retry-period");
                    // The ordering client-go's leader election requires: a leader gives up before its Lease can expire.
                    if (!(retry < renew && renew < lease))
                        throw new UsageException(
                            $"leader election needs --retry-period < --renew-deadline < --lease-duration (have {retry.TotalSeconds:0.#}s, "
                                + $"{renew.TotalSeconds:0.#}s, {lease.TotalSeconds:0.#}s)"
                        );
                    var options = new OperatorOptions
                    {
                        LeaseDuration = lease,
                        RenewDeadline = renew,
                        RetryPeriod = retry,
                        Kubeconfig = result.GetValue(kubeconfig),
                        Context = result.GetValue(context),
                        Namespaces = result.GetValue(namespaces) ?? [],
                        Prometheus = prometheus.Resolve(result),
                        Defaults = result.GetValue(defaults) is { } d ? AnalyzeCommand.LoadDefaults(d) : AnalysisDefaults.None,
                        Concurrency = Math.Max(1, result.GetValue(concurrency)),
                        ResyncPeriod = resyncPeriod,
                        Listen = result.GetValue(listen)!,
                        ApiAuth = result.GetValue(apiAuth),
                        ApiOpenPaths = (result.GetValue(apiOpen) ?? []).ToHashSet(StringComparer.Ordinal),
                        LeaderElection = !result.GetValue(noElection),
                        LeaseNamespace = result.GetValue(leaseNamespace)!,
                        Identity =
                            result.GetValue(identity)
                            ?? Environment.GetEnvironmentVariable("POD_NAME")
                            ?? $"{Environment.MachineName}-{Environment.ProcessId}",
                        AutoTrack = !result.GetValue(noTrack),
                        WebhookSecret = result.GetValue(webhook),
                        WebhookAllowedHosts = (result.GetValue(webhookHosts) ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase),
                        Store = Enum.Parse<ReleaseStoreKind>(result.GetValue(store)!, ignoreCase: true),
                        StatusSeal = result.GetValue(sealKey) is { } keyFile ? SealFrom(keyFile) : StatusSeal.Random(),
                    };
                    // Read before the host starts, so a missing configuration fails here with a plain message.
                    var config = KubernetesConnection.Configuration(options.Kubeconfig, options.Context);
                    await using var app = OperatorHost.Build(options, log => KubernetesConnection.Create(config, log));
                    await app.RunAsync();
                    return 0;
                }
                catch (Exception e) when (e is UsageException or InvalidOperationException or k8s.Exceptions.KubeConfigException)
                {
                    Console.Error.WriteLine($"error: {e.Message}");
                    return ExitCodes.Error;
                }
            }
        );
        return command;
    }

    private static StatusSeal SealFrom(string path)
    {
        try
        {
            return StatusSeal.FromFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--status-seal-key-file: cannot read {path}: {e.Message}");
        }
    }

    private static TimeSpan Duration(string text, string flag) =>
        GoDuration.TryParse(text, out var d) && d >= TimeSpan.FromMilliseconds(100) && d <= TimeSpan.FromMinutes(10)
            ? d
            : throw new UsageException($"{flag}: '{text}' is not a duration like 15s, between 100ms and 10m");
}
