using Microsoft.Extensions.Logging;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// Tells the world what a stored state transition means, all from one place and only after the status that records it
/// is stored: an Event on the Release, the webhook, the verdict-transition metric and a log line.
/// </summary>
internal sealed class ReleasePublisher(
    ReleaseEvents events,
    OperatorMetrics metrics,
    ILogger<ReleasePublisher> logger,
    WebhookNotifier? webhook = null
)
{
    /// <summary>
    /// Says on the Release which parts of it could not be read and were left out (the rest was analysed, and the next
    /// status write stores only what was readable), and counts it.
    /// </summary>
    public async Task UnreadableAsync(Release release, string problem, CancellationToken ct)
    {
        metrics.UnreadableObjects.WithLabels("Release", "partial").Inc();
        logger.LogWarning("Release {Key} was read in part; left out: {Problem}", release.Key, problem);
        await events.RecordAsync(
            release,
            "Warning",
            "Unreadable",
            $"Parts of this Release could not be read and were left out: {problem}. Everything else was read and is analysed; "
                + "the next status write stores only what was readable",
            ct
        );
    }

    /// <summary>A status this operator did not write: said on the Release, with what it claimed, before it is re-derived.</summary>
    public async Task UntrustedAsync(Release release, CancellationToken ct)
    {
        metrics.UntrustedStatuses.Inc();
        var claimed = release.Status is { } s
            ? $"phase {s.Phase ?? "none"}, verdict {s.Verdict ?? "none"}, risk score {s.RiskScore?.ToString() ?? "none"}"
            : "";
        var history = release.Status?.History?.Count ?? 0;
        logger.LogWarning("Release {Key} has a status the operator did not write ({Claimed}); re-deriving it", release.Key, claimed);
        await events.RecordAsync(
            release,
            "Warning",
            "StatusNotSealed",
            $"The status ({claimed}) was not written by Release Radar: its seal does not match (someone with write access to "
                + "releases/status changed it, or it was sealed under another key). It is not trusted: the gate waits, nothing is "
                + $"rolled back on it, and it is re-derived from Prometheus now; its {history} history entries are not kept",
            ct
        );
    }

    public async Task PublishAsync(Release stored, ReleaseState before, ReleaseState after, CancellationToken ct)
    {
        foreach (var notice in ReconcileDecision.Notices(before, after))
            switch (notice)
            {
                case Notice.VerdictChanged v:
                    var (from, to) = (StatusWire.Word(v.From) ?? "none", StatusWire.Word(v.To));
                    metrics.VerdictTransitions.WithLabels(from, to).Inc();
                    await events.RecordAsync(
                        stored,
                        v.To == Verdict.Risky ? "Warning" : "Normal",
                        StatusWire.EventReason(v.To),
                        $"{from} → {to}, risk score {v.RiskScore}: {string.Join(" | ", v.Reasons)}",
                        ct
                    );
                    webhook?.Notify(stored.Key, stored.Spec.Version, v);
                    logger.LogInformation("Verdict of {Release} changed {From} → {To} (score {Score})", stored.Key, from, to, v.RiskScore);
                    break;
                case Notice.Superseded { Message: var m }:
                    await events.RecordAsync(stored, "Normal", StatusWire.SupersededReason, m, ct);
                    logger.LogInformation("{Release} superseded: {Message}", stored.Key, m);
                    break;
                case Notice.MetricsUnavailable { Reason: var reason, Message: var m }:
                    // The condition's reason as the Event's, so `kubectl get events --field-selector reason=NoSeriesMatched` finds it.
                    await events.RecordAsync(stored, "Warning", reason, m, ct);
                    break;
                case Notice.ActionRecorded { Action: var a }:
                    var warning = a.Action == ReleaseAction.Undo || a.Result == ActionResult.Failed;
                    await events.RecordAsync(stored, warning ? "Warning" : "Normal", StatusWire.EventReason(a.Action, a.Result), a.Message ?? "", ct);
                    break;
            }
    }
}
