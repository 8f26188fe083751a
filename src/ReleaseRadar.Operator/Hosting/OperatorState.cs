using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.Operator.Hosting;

/// <summary>What the probes and the API can see of the controller.</summary>
public sealed class OperatorState
{
    private volatile bool _leading;
    private volatile bool _electing;
    public bool Leading
    {
        get => _leading;
        set => _leading = value;
    }
    public bool Electing
    {
        get => _electing;
        set => _electing = value;
    }
    public ReleaseController? Controller { get; set; }
    public List<ReleaseInformer> Informers { get; } = [];
    public IReadOnlyCollection<Release> CachedReleases => Informers.SelectMany(i => i.Items).ToList();
    public bool CacheSynced => Informers.Count > 0 && Informers.All(i => i.Synced);
    public bool Ready => Electing && CacheSynced;

    public string Describe() => !Electing ? "not started" : "Release cache not synced yet";
}
