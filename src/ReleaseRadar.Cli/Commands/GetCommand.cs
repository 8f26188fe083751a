using System.CommandLine;
using ReleaseRadar.Api;
using ReleaseRadar.Cli.Output;
using ReleaseRadar.Operator.Kubernetes;
using Spectre.Console;

namespace ReleaseRadar.Cli.Commands;

/// <summary>
/// `releaseradar get [NAME] [-n NS] [--watch]`: the Releases of a cluster (from the kubeconfig) as a terminal-sized view:
/// verdict, score, error rate and P95 against the baseline, a sparkline of the analyses, the latest reasons and what was
/// done to the target. Installed as `kubectl-releaseradar`, it is also `kubectl releaseradar get …`.
/// </summary>
public static class GetCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "One Release (default: all)", Arity = ArgumentArity.ZeroOrOne };
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace (default: the kubeconfig context's, or all with -A)" };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "Every namespace" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Redraw every --interval until interrupted" };
        var interval = new Option<string>("--interval") { Description = "How often --watch redraws (Go duration)", DefaultValueFactory = _ => "2s" };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)" };
        var context = new Option<string?>("--context") { Description = "kubeconfig context" };
        var command = new Command("get", "Show Releases in the cluster: verdicts, values against the baseline, history, reasons and actions")
        {
            name,
            ns,
            all,
            watch,
            interval,
            kubeconfig,
            context,
        };
        command.SetAction(
            async (result, ct) =>
            {
                try
                {
                    if (!Analysis.Planning.GoDuration.TryParse(result.GetValue(interval), out var every) || every <= TimeSpan.Zero)
                        throw new UsageException($"--interval: '{result.GetValue(interval)}' is not a positive duration like 2s");
                    var config = KubernetesConnection.Configuration(result.GetValue(kubeconfig), result.GetValue(context));
                    var client = KubernetesConnection.Create(config);
                    var one = result.GetValue(name);
                    var namespaces = result.GetValue(all) ? [] : new[] { result.GetValue(ns) ?? config.Namespace ?? "default" };
                    var console = Console();
                    do
                    {
                        var releases = await ExportCommand.ListAsync(client, namespaces, null, ct);
                        var shown = releases
                            .Where(r => one is null || r.Metadata.Name == one)
                            .OrderByDescending(r => r.Status?.DeployedAt ?? r.Spec.DeployedAt ?? "", StringComparer.Ordinal)
                            .ToList();
                        if (one is not null && shown.Count == 0)
                            throw new UsageException($"Release {one} not found in namespace {namespaces.FirstOrDefault() ?? "(all)"}");
                        var (width, height) = (console.Profile.Width, console.Profile.Height);
                        var now = DateTimeOffset.UtcNow;
                        if (result.GetValue(watch) && console.Profile.Capabilities.Interactive)
                            console.Clear(home: true);
                        var caption =
                            $"{(namespaces.Length == 0 ? "all namespaces" : namespaces[0])} · {now:HH:mm:ss} UTC"
                            + (result.GetValue(watch) ? $" · every {Analysis.Planning.GoDuration.Format(every)}" : "");
                        console.Write(
                            one is null
                                ? ReleaseBoard.Render(shown, now, width, height, caption)
                                : ReleaseBoard.RenderOne(shown[0], now, width, height)
                        );
                        if (!result.GetValue(watch))
                            break;
                        await Task.Delay(every, ct);
                    } while (!ct.IsCancellationRequested);
                    return 0;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return 0;
                }
                catch (Exception e) when (ClusterErrors.Reported(e))
                {
                    return ClusterErrors.Report(e);
                }
            }
        );
        return command;
    }

    /// <summary>
    /// The terminal's size, or, when the output is not a terminal (a pipe, `watch`, a test), $COLUMNS and $LINES as shells
    /// export them, else 80×24.
    /// </summary>
    private static IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings());
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = Size("COLUMNS", 80);
            console.Profile.Height = Size("LINES", 24);
        }
        return console;
    }

    private static int Size(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var n) && n is > 10 and < 1000 ? n : fallback;
}
