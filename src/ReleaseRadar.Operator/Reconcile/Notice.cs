using System.Collections.Immutable;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>What a stored state transition tells the world (Events, the webhook, metrics, the log).</summary>
internal abstract record Notice
{
    /// <summary>The verdict changed (from none, the first time).</summary>
    public sealed record VerdictChanged(Verdict? From, Verdict To, int? RiskScore, ImmutableArray<string> Reasons) : Notice;

    /// <summary>An action on the target was recorded.</summary>
    public sealed record ActionRecorded(ActionTaken Action) : Notice;

    /// <summary>
    /// The metrics could not be read, for a new reason (NoSeriesMatched, PrometheusUnreachable, …): a Warning Event once per
    /// reason, not at every retry.
    /// </summary>
    public sealed record MetricsUnavailable(string Reason, string Message) : Notice;

    /// <summary>The target moved on to another rollout; the message says to which, and what became of the verdict.</summary>
    public sealed record Superseded(string Message) : Notice;
}
