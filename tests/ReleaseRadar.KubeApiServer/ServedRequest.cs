namespace ReleaseRadar.KubeApiServer;

/// <summary>One request the test server answered: when it arrived, who sent it, what it asked and the status code.</summary>
public sealed record ServedRequest(DateTimeOffset At, string User, string Method, string Path, int Status)
{
    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";
}
