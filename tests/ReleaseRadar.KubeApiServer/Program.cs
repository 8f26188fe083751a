using ReleaseRadar.KubeApiServer;

// Runs the API test server on its own, for kubectl, helm and `releaseradar operator` by hand:
//   dotnet run --project tests/ReleaseRadar.KubeApiServer -- --kubeconfig PATH [--port N] [--crd FILE]...
string? kubeconfig = null;
var port = 0;
var crds = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--kubeconfig" when i + 1 < args.Length:
            kubeconfig = args[++i];
            break;
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var p):
            port = p;
            i++;
            break;
        case "--crd" when i + 1 < args.Length:
            crds.Add(args[++i]);
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'. Usage: --kubeconfig PATH [--port N] [--crd FILE]...");
            return 2;
    }
}
if (kubeconfig is null)
{
    Console.Error.WriteLine("--kubeconfig PATH is required: the server writes a kubeconfig there (admin token, namespace default).");
    return 2;
}
using var stop = new CancellationTokenSource();
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGINT,
    c =>
    {
        c.Cancel = true;
        stop.Cancel();
    }
);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    c =>
    {
        c.Cancel = true;
        stop.Cancel();
    }
);
await using var server = await KubeApiTestServer.StartAsync(crds, port, stop.Token);
var full = Path.GetFullPath(kubeconfig);
var written = server.WriteKubeconfig(Path.GetDirectoryName(full)!, "test");
if (written != full)
    File.Move(written, full, overwrite: true);
Console.WriteLine($"Kubernetes API test server at {server.Url} (kubeconfig {full}); Ctrl-C stops it.");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException) { }
return 0;
