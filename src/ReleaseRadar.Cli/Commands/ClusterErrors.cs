namespace ReleaseRadar.Cli.Commands;

/// <summary>
/// The failures a command that reads the cluster reports as one line on stderr with exit 1, rather than a stack trace:
/// a bad option, no or a bad kubeconfig, the API server refusing or unreachable. The API server's own answer is shown.
/// </summary>
public static class ClusterErrors
{
    public static bool Reported(Exception e) =>
        e
            is UsageException
                or InvalidOperationException
                or k8s.Exceptions.KubeConfigException
                or k8s.Autorest.HttpOperationException
                or HttpRequestException;

    /// <summary>Writes "error: …" to stderr and gives the exit code.</summary>
    public static int Report(Exception e)
    {
        var why = e is k8s.Autorest.HttpOperationException h
            ? $"the API server answered {(int)h.Response.StatusCode}: {h.Response.Content}"
            : e.Message;
        Console.Error.WriteLine($"error: {why}");
        return ExitCodes.Error;
    }
}
