using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Operator.Store;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Operator;

/// <summary>Everything the operator is configured with; set from command-line options (and the Helm chart's values).</summary>
public sealed record OperatorOptions
{
    /// <summary>Namespaces to watch; empty means all.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];
    public string? Kubeconfig { get; init; }

    /// <summary>
    /// Seals the statuses this operator writes (the chart gives it a key from a Secret, so seals survive restarts); a random
    /// key by default, with which a restart re-derives every status once.
    /// </summary>
    public StatusSeal StatusSeal { get; init; } = StatusSeal.Random();
    public string? Context { get; init; }
    public required PrometheusOptions Prometheus { get; init; }
    public AnalysisDefaults Defaults { get; init; } = AnalysisDefaults.None;
    public int Concurrency { get; init; } = 4;
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);
    public bool LeaderElection { get; init; } = true;
    public string LeaseNamespace { get; init; } = "default";
    public string LeaseName { get; init; } = "release-radar-leader";
    public string Identity { get; init; } = Environment.MachineName + "-" + Environment.ProcessId;
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Create Releases for Deployments annotated releaseradar.io/track: "true".</summary>
    public bool AutoTrack { get; init; } = true;

    /// <summary>namespace/name of a Secret whose key "url" holds a Slack-compatible incoming-webhook URL.</summary>
    public string? WebhookSecret { get; init; }

    /// <summary>Hosts the webhook URL may point at; empty allows any (http or https only, never a redirect).</summary>
    public IReadOnlySet<string> WebhookAllowedHosts { get; init; } = new HashSet<string>();
    public string Listen { get; init; } = "127.0.0.1:8080";

    /// <summary>
    /// Whether the API asks the cluster who may read it (TokenReview, SubjectAccessReview); off, anyone who reaches the
    /// address reads every namespace's Releases. The chart turns it on.
    /// </summary>
    public bool ApiAuth { get; init; }

    /// <summary>Paths served without a token when <see cref="ApiAuth"/> is on (a trailing '/' opens a prefix); the probes always are.</summary>
    public IReadOnlySet<string> ApiOpenPaths { get; init; } = new HashSet<string>();

    /// <summary>Which Release store keeps the watch cache: the packed one (the default, for memory) or the plain one.</summary>
    public ReleaseStoreKind Store { get; init; } = ReleaseStoreKind.Packed;

    /// <summary>How long a watch stays open before it is renewed (the server may end it earlier).</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
