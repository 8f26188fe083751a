using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Operator.Reconcile;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// Auto-tracking: for a Deployment annotated releaseradar.io/track: "true", each new rollout (each new revision of the pod
/// template) gets a Release named &lt;deployment&gt;-r&lt;revision&gt;, so teams need no hooks. The selector, version, commit,
/// control and rollback come from the Deployment's annotations and labels; the Release is owned by the Deployment.
/// It reads Deployments from the leader's one Deployment informer, which the reconciler reads targets from too.
/// </summary>
internal sealed class DeploymentTracker(IKubernetes client, TimeProvider clock, ILogger<DeploymentTracker> logger)
{
    public const string Track = "releaseradar.io/track";
    public const string SelectorAnnotation = "releaseradar.io/selector";
    public const string ControlAnnotation = "releaseradar.io/control-selector";
    public const string VersionAnnotation = "releaseradar.io/version";
    public const string CommitAnnotation = "releaseradar.io/commit";
    public const string RollbackAnnotation = "releaseradar.io/rollback";

    /// <summary>
    /// The Deployment informer's handler: on every Deployment it lists or sees added or changed. The deterministic name
    /// makes a repeated event, a relist or a second replica harmless.
    /// </summary>
    public Task HandleAsync(WatchEventType type, V1Deployment d, CancellationToken ct) =>
        type is WatchEventType.Added or WatchEventType.Modified ? EnsureReleaseAsync(d, ct) : Task.CompletedTask;

    /// <summary>The Release for the Deployment's current revision, or null when the Deployment is not tracked or not ready to be.</summary>
    public static Release? ReleaseFor(V1Deployment d, DateTimeOffset deployedAt, out string? problem)
    {
        problem = null;
        var a = d.Metadata.Annotations ?? new Dictionary<string, string>();
        if (!a.TryGetValue(Track, out var track) || track != "true")
            return null;
        if (!a.TryGetValue(DeploymentActions.RevisionAnnotation, out var revision))
            return null; // not rolled out yet
        var labels = d.Metadata.Labels ?? new Dictionary<string, string>();
        var where = $"Deployment {d.Metadata.NamespaceProperty}/{d.Metadata.Name} is tracked, but";
        foreach (var key in new[] { SelectorAnnotation, ControlAnnotation })
            if (a.TryGetValue(key, out var text) && Repeated(text) is { } twice)
            {
                problem = $"{where} its {key} annotation gives label {twice} twice (\"{text}\"); a selector names each label once";
                return null;
            }
        if (a.TryGetValue(RollbackAnnotation, out var rollback) && !Enum.GetNames<RollbackMode>().Contains(rollback, StringComparer.Ordinal))
        {
            var allowed = string.Join(", ", Enum.GetNames<RollbackMode>());
            problem = $"{where} its {RollbackAnnotation} annotation is \"{rollback}\"; it must be one of {allowed}";
            return null;
        }
        var selector =
            a.TryGetValue(SelectorAnnotation, out var s) ? ParseSelector(s)
            : labels.TryGetValue("app.kubernetes.io/name", out var appName) ? new Dictionary<string, string> { ["app"] = appName }
            : labels.TryGetValue("app", out var app) ? new Dictionary<string, string> { ["app"] = app }
            : null;
        if (selector is null || selector.Count == 0)
        {
            problem =
                $"Deployment {d.Metadata.NamespaceProperty}/{d.Metadata.Name} is tracked but has no {SelectorAnnotation} annotation nor an "
                + $"app label to select its metrics";
            return null;
        }
        var image = d.Spec?.Template?.Spec?.Containers?.FirstOrDefault()?.Image;
        var version =
            a.TryGetValue(VersionAnnotation, out var v) ? v
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
                Labels = new Dictionary<string, string>
                {
                    ["releaseradar.io/deployment"] = LabelValue(d.Metadata.Name),
                    ["releaseradar.io/revision"] = LabelValue(revision),
                },
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "apps/v1",
                        Kind = "Deployment",
                        Name = d.Metadata.Name,
                        Uid = d.Metadata.Uid,
                    },
                ],
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
        if (problem is not null)
            logger.LogWarning("{Problem}", problem);
        if (release is null)
            return;
        var ns = release.Metadata.NamespaceProperty;
        foreach (var name in CandidateNames(release.Metadata.Name))
        {
            release.Metadata.Name = name;
            try
            {
                await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                    release,
                    Release.Group,
                    Release.Version,
                    ns,
                    Release.Plural,
                    cancellationToken: ct
                );
                logger.LogInformation("Auto-tracking: created Release {Ns}/{Name} for Deployment {Deployment}", ns, name, d.Metadata.Name);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // The name is deterministic, so a restart or a second replica finds its own Release here. Anything else
                // with that name (a hand-written Release) stands for something else and must not be taken for this rollout.
                var existing = KubernetesJson.Deserialize<Release>(
                    KubernetesJson.Serialize(
                        await client.CustomObjects.GetNamespacedCustomObjectAsync(Release.Group, Release.Version, ns, Release.Plural, name, ct)
                    )
                );
                if (TrackedFrom(existing, d))
                    return;
                logger.LogWarning(
                    "Auto-tracking: Release {Ns}/{Name} exists but was not created for Deployment {Deployment} revision {Revision}; trying "
                        + "another name",
                    ns,
                    name,
                    d.Metadata.Name,
                    release.Metadata.Labels["releaseradar.io/revision"]
                );
            }
        }
        logger.LogError(
            "Auto-tracking: every name for Deployment {Ns}/{Deployment}'s rollout is taken by other Releases; it is not tracked",
            ns,
            d.Metadata.Name
        );
    }

    /// <summary>The deterministic name, then one fallback for when someone else's Release already has it.</summary>
    public static IEnumerable<string> CandidateNames(string name)
    {
        yield return name;
        yield return name.Length <= 248 ? name + "-auto" : name[..248] + "-auto";
    }

    /// <summary>Whether a Release is the one auto-tracking made for this Deployment's current revision.</summary>
    public static bool TrackedFrom(Release existing, V1Deployment d) =>
        existing.Metadata?.OwnerReferences?.Any(o => o.Kind == "Deployment" && o.Uid == d.Metadata.Uid) == true
        && existing.Metadata.Labels is { } labels
        && d.Metadata.Annotations is { } annotations
        && labels.TryGetValue("releaseradar.io/revision", out var revision)
        && annotations.TryGetValue(DeploymentActions.RevisionAnnotation, out var current)
        && revision == current;

    /// <summary>
    /// A name as a label value, which the API server caps at 63 characters: longer names keep their first 54 and a hash of
    /// the whole, so two long names never share a value.
    /// </summary>
    public static string LabelValue(string name)
    {
        if (name.Length <= 63)
            return name;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8];
        return $"{name[..54].TrimEnd('-', '.', '_')}-{hash}";
    }

    /// <summary>The first label a selector annotation names twice, if any.</summary>
    private static string? Repeated(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)[0].Trim())
            .GroupBy(k => k, StringComparer.Ordinal)
            .FirstOrDefault(g => g.Count() > 1)
            ?.Key;

    public static Dictionary<string, string> ParseSelector(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
}
