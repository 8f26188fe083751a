namespace ReleaseRadar.Simulation;

/// <summary>Receives what the simulated services served.</summary>
public interface ITrafficSink
{
    void Requests(string service, string version, string code, long count);
    void Latency(string service, string version, double seconds);

    /// <summary>Requests <paramref name="caller"/> made to <paramref name="callee"/>, as a service mesh's proxies count them.</summary>
    void Calls(string caller, string callee, long count);
}
