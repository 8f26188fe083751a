using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>Kubernetes Events on verdict transitions and actions, visible in `kubectl describe release`.</summary>
internal sealed class ReleaseEvents(IKubernetes client, TimeProvider clock, string identity, ILogger logger)
{
    public async Task RecordAsync(Release release, string type, string reason, string message, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ns = release.Metadata.NamespaceProperty ?? "default";
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(
                new Corev1Event
                {
                    Metadata = new V1ObjectMeta { GenerateName = release.Metadata.Name + ".", NamespaceProperty = ns },
                    InvolvedObject = new V1ObjectReference
                    {
                        ApiVersion = Release.ApiVersionValue,
                        Kind = Release.KindName,
                        Name = release.Metadata.Name,
                        NamespaceProperty = ns,
                        Uid = release.Metadata.Uid,
                        ResourceVersion = release.Metadata.ResourceVersion,
                    },
                    Type = type,
                    Reason = reason,
                    Message = message.Length > 1024 ? message[..1023] + "…" : message,
                    Source = new V1EventSource { Component = "release-radar" },
                    ReportingComponent = "release-radar",
                    ReportingInstance = identity,
                    FirstTimestamp = now,
                    LastTimestamp = now,
                    Count = 1,
                },
                ns,
                cancellationToken: ct
            );
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException)
        {
            // An event is a courtesy; failing to record one must not fail the reconcile.
            logger.LogWarning("Could not record event {Reason} for {Release}: {Error}", reason, release.Key, e.Message);
        }
    }
}
