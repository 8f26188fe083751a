using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// Auto-tracking: for a Deployment annotated releaseradar.io/track: "true", each new rollout (each new revision of the pod
/// template) gets a Release named &lt;deployment&gt;-r&lt;revision&gt;, so teams need no hooks. The selector, version, commit,
/// control and rollback come from the Deployment's annotations and labels; the Release is owned by the Deployment.
/// </summary>
public sealed class DeploymentTracker(IKubernetes client, string? ns, TimeProvider clock, ILogger logger)
{
    public const string Track = "releaseradar.io/track";
    public const string SelectorAnnotation = "releaseradar.io/selector";
    public const string ControlAnnotation = "releaseradar.io/control-selector";
    public const string VersionAnnotation = "releaseradar.io/version";
    public const string CommitAnnotation = "releaseradar.io/commit";
    public const string RollbackAnnotation = "releaseradar.io/rollback";

    public async Task RunAsync(CancellationToken ct)
    {
        string? resourceVersion = null;
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = ns is null
                        ? await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: ct)
                        : await client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: ct);
                    foreach (var d in list.Items) await EnsureReleaseAsync(d, ct);
                    resourceVersion = list.Metadata.ResourceVersion;
                }
                var gone = false;
                var events = ns is null
                    ? client.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: 300, onError: e => gone |= e.Message.Contains("410", StringComparison.Ordinal) || e.Message.Contains("too old", StringComparison.OrdinalIgnoreCase), cancellationToken: ct)
                    : client.AppsV1.WatchListNamespacedDeploymentAsync(ns, allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: 300, onError: e => gone |= e.Message.Contains("410", StringComparison.Ordinal) || e.Message.Contains("too old", StringComparison.OrdinalIgnoreCase), cancellationToken: ct);
                await foreach (var (type, d) in events.WithCancellation(ct))
                {
                    if (gone) break;
                    resourceVersion = d.Metadata?.ResourceVersion ?? resourceVersion;
                    failures = 0;
                    if (type is WatchEventType.Added or WatchEventType.Modified) await EnsureReleaseAsync(d, ct);
                }
                if (gone) resourceVersion = null;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or KubernetesException or System.Text.Json.JsonException)
            {
                failures++;
                resourceVersion = null;
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 500 * Math.Pow(2, Math.Min(failures, 6))) * (0.5 + Random.Shared.NextDouble()));
                logger.LogWarning("Watching Deployments for auto-tracking failed ({Error}); retrying in {Delay:0.0}s", e.Message, delay.TotalSeconds);
                try { await Task.Delay(delay, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>The Release for the Deployment's current revision, or null when the Deployment is not tracked or not ready to be.</summary>
    public static Release? ReleaseFor(V1Deployment d, DateTimeOffset deployedAt, out string? problem)
    {
        problem = null;
        var a = d.Metadata.Annotations ?? new Dictionary<string, string>();
        if (!a.TryGetValue(Track, out var track) || track != "true") return null;
        if (!a.TryGetValue(DeploymentActions.RevisionAnnotation, out var revision)) return null; // not rolled out yet
        var labels = d.Metadata.Labels ?? new Dictionary<string, string>();
        var selector = a.TryGetValue(SelectorAnnotation, out var s) ? ParseSelector(s)
            : labels.TryGetValue("app.kubernetes.io/name", out var appName) ? new Dictionary<string, string> { ["app"] = appName }
            : labels.TryGetValue("app", out var app) ? new Dictionary<string, string> { ["app"] = app }
            : null;
        if (selector is null || selector.Count == 0)
        {
            problem = $"Deployment {d.Metadata.NamespaceProperty}/{d.Metadata.Name} is tracked but has no {SelectorAnnotation} annotation nor an app label to select its metrics";
            return null;
        }
        var image = d.Spec?.Template?.Spec?.Containers?.FirstOrDefault()?.Image;
        var version = a.TryGetValue(VersionAnnotation, out var v) ? v
            : labels.TryGetValue("app.kubernetes.io/version", out var lv) ? lv
            : image is not null && image.LastIndexOf(':') > image.LastIndexOf('/') ? image[(image.LastIndexOf(':') + 1)..]
            : "r" + revision;
        var name = $"{d.Metadata.Name}-r{revision}";
        return new Release
        {
            Metadata = new V1ObjectMeta
            {
                Name = name.Length <= 253 ? name : name[..253],
                NamespaceProperty = d.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string> { ["releaseradar.io/deployment"] = d.Metadata.Name, ["releaseradar.io/revision"] = revision },
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = d.Metadata.Name, Uid = d.Metadata.Uid }],
            },
            Spec = new ReleaseSpec
            {
                Version = version,
                Commit = a.TryGetValue(CommitAnnotation, out var c) ? c : null,
                DeployedAt = Rfc3339.Format(deployedAt),
                Target = new TargetReference { Kind = "Deployment", Name = d.Metadata.Name },
                Selector = selector,
                Control = a.TryGetValue(ControlAnnotation, out var cs) ? new ControlSpec { Selector = ParseSelector(cs) } : null,
                Rollback = a.TryGetValue(RollbackAnnotation, out var rb) ? rb : null,
            },
        };
    }

    private async Task EnsureReleaseAsync(V1Deployment d, CancellationToken ct)
    {
        var release = ReleaseFor(d, clock.GetUtcNow(), out var problem);
        if (problem is not null) logger.LogWarning("{Problem}", problem);
        if (release is null) return;
        try
        {
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(release, Release.Group, Release.Version, release.Metadata.NamespaceProperty, Release.Plural, cancellationToken: ct);
            logger.LogInformation("Auto-tracking: created Release {Ns}/{Name} for Deployment {Deployment}", release.Metadata.NamespaceProperty, release.Metadata.Name, d.Metadata.Name);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Already there: this rollout is tracked (the name is deterministic, so a restart or a second replica cannot duplicate it).
        }
    }

    public static Dictionary<string, string> ParseSelector(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
}
