using Prometheus;

namespace ReleaseRadar.Operator;

/// <summary>The operator's own metrics, exposed on /metrics through prometheus-net.</summary>
internal sealed class OperatorMetrics
{
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
    public Counter Reconciles { get; }
    public Histogram AnalysisDuration { get; }
    public Counter PrometheusQueryErrors { get; }
    public Counter PrometheusQueries { get; }
    public Counter PrometheusQueryBytes { get; }
    public Counter PrometheusResponseBytes { get; }
    public Gauge PrometheusLargestQuery { get; }
    public Counter AnalysisFailures { get; }
    public Gauge ReleasesByVerdict { get; }
    public Counter VerdictTransitions { get; }
    public Counter StatusWrites { get; }
    public Counter WatchRestarts { get; }
    public Counter UnreadableObjects { get; }
    public Counter UntrustedStatuses { get; }
    public Counter DeploymentHandlerErrors { get; }
    public Gauge Leader { get; }
    public Gauge QueueDepth { get; }
    public Gauge QueueDelayed { get; }

    public OperatorMetrics()
    {
        var f = Metrics.WithCustomRegistry(Registry);
        Reconciles = f.CreateCounter("releaseradar_reconciles_total", "Reconciles by result.", new CounterConfiguration { LabelNames = ["result"] });
        AnalysisDuration = f.CreateHistogram(
            "releaseradar_analysis_duration_seconds",
            "Time to fetch metrics and analyse one release.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) }
        );
        PrometheusQueryErrors = f.CreateCounter(
            "releaseradar_prometheus_query_errors_total",
            "Failed Prometheus queries by reason.",
            new CounterConfiguration { LabelNames = ["reason"] }
        );
        PrometheusQueries = f.CreateCounter("releaseradar_prometheus_queries_total", "Prometheus queries sent, including retries.");
        PrometheusQueryBytes = f.CreateCounter("releaseradar_prometheus_query_bytes_total", "PromQL bytes sent to Prometheus, including retries.");
        PrometheusResponseBytes = f.CreateCounter("releaseradar_prometheus_response_bytes_total", "Bytes of Prometheus answers read.");
        PrometheusLargestQuery = f.CreateGauge("releaseradar_prometheus_largest_query_bytes", "The longest PromQL query sent so far, in bytes.");
        // Per analysis, not per query attempt (that is releaseradar_prometheus_query_errors_total): one failed analysis
        // may be several failed attempts, or none at all when the source hung past the interval.
        AnalysisFailures = f.CreateCounter(
            "releaseradar_analysis_source_failures_total",
            "Analyses that could not get their data, by reason.",
            new CounterConfiguration { LabelNames = ["reason"] }
        );
        ReleasesByVerdict = f.CreateGauge(
            "releaseradar_releases",
            "Releases in the watch cache by verdict.",
            new GaugeConfiguration { LabelNames = ["verdict"] }
        );
        UnreadableObjects = f.CreateCounter(
            "releaseradar_unreadable_objects_total",
            "Objects read in part (a bad part left out and reported on the object) or skipped whole (their metadata did not read).",
            new CounterConfiguration { LabelNames = ["kind", "read"] }
        );
        UntrustedStatuses = f.CreateCounter(
            "releaseradar_untrusted_statuses_total",
            "Statuses whose seal did not match (written by someone else, or under another key): not trusted, and re-derived."
        );
        VerdictTransitions = f.CreateCounter(
            "releaseradar_verdict_transitions_total",
            "Verdict changes.",
            new CounterConfiguration { LabelNames = ["from", "to"] }
        );
        StatusWrites = f.CreateCounter(
            "releaseradar_status_writes_total",
            "Status writes by outcome.",
            new CounterConfiguration { LabelNames = ["outcome"] }
        );
        WatchRestarts = f.CreateCounter(
            "releaseradar_watch_restarts_total",
            "Watch restarts by cause.",
            new CounterConfiguration { LabelNames = ["cause"] }
        );
        DeploymentHandlerErrors = f.CreateCounter(
            "releaseradar_deployment_handler_errors_total",
            "Deployment events a handler (auto-tracking) could not take; the log names the Deployment and why."
        );
        Leader = f.CreateGauge("releaseradar_leader", "1 while this replica holds the leader lease.");
        QueueDepth = f.CreateGauge("releaseradar_work_queue_depth", "Keys waiting in the work queue.");
        QueueDelayed = f.CreateGauge("releaseradar_work_queue_delayed", "Keys scheduled for a later analysis interval.");
    }
}
