using System.CommandLine;
using k8s;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Cli.Output;
using ReleaseRadar.Operator.Kubernetes;
using ReleaseRadar.Operator.Store;

namespace ReleaseRadar.Cli.Commands;

/// <summary>
/// `releaseradar export --output DIR`: reads the Releases from the cluster and writes the evidence (the combined report,
/// one report per release, the timeline and a Markdown summary). Run by the chart's CronJob into a PVC.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "Directory to write the evidence into (replaced whole at each export)",
            DefaultValueFactory = _ => "release-radar-evidence",
        };
        var defaults = new Option<string?>("--defaults")
        {
            Description = "YAML file of global analysis defaults, the operator's: the reports show the thresholds and queries they give",
        };
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "kubeconfig file (default: in-cluster config, then $KUBECONFIG, then ~/.kube/config)",
        };
        var context = new Option<string?>("--context") { Description = "kubeconfig context" };
        var namespaces = new Option<string[]>("--namespace", "-n") { Description = "Namespace to export (repeatable); all namespaces when omitted" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector, e.g. app=checkout" };
        var generatedAt = new Option<string?>("--generated-at")
        {
            Description = "RFC 3339 time to stamp the reports with (default: now); fixed for reproducible output",
        };
        var command = new Command("export", "Write evidence reports for the Releases in the cluster")
        {
            output,
            kubeconfig,
            context,
            namespaces,
            selector,
            generatedAt,
            defaults,
        };
        command.SetAction(
            async (result, ct) =>
            {
                try
                {
                    var stamp = DateTimeOffset.UtcNow;
                    if (result.GetValue(generatedAt) is { } g && !Rfc3339.TryParse(g, out stamp))
                        throw new UsageException($"--generated-at: '{g}' is not an RFC 3339 time");
                    var client = KubernetesConnection.Create(result.GetValue(kubeconfig), result.GetValue(context));
                    var releases = await ListAsync(client, result.GetValue(namespaces) ?? [], result.GetValue(selector), ct);
                    var globalDefaults = result.GetValue(defaults) is { } d ? AnalyzeCommand.LoadDefaults(d) : AnalysisDefaults.None;
                    var written = await EvidenceWriter.WriteAsync(result.GetValue(output)!, releases, stamp, globalDefaults, ct);
                    Console.Error.WriteLine($"exported {releases.Count} release(s) into {result.GetValue(output)} ({written.Count} files)");
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
    /// Every Release of the namespaces (all when none), a page at a time, each read on its own where it must be
    /// (<see cref="ReleaseReads.PagesAsync"/>): one of a bad shape is left out, or read in part, and named on stderr, never
    /// failing the export of the others.
    /// </summary>
    public static async Task<List<Release>> ListAsync(IKubernetes client, IReadOnlyList<string> namespaces, string? selector, CancellationToken ct)
    {
        var releases = new List<Release>();
        foreach (var ns in namespaces.Count == 0 ? [null] : namespaces.Select(n => (string?)n))
        await foreach (var page in ReleaseReads.PagesAsync(client, ns, selector, ct))
        foreach (var (release, name, problem) in page.Items)
            if (release is null)
                Console.Error.WriteLine($"warning: Release {name ?? "(no name)"} could not be read and is left out of the evidence: {problem}");
            else
            {
                if (problem is not null)
                    Console.Error.WriteLine($"warning: Release {release.Key} was read in part; left out of its evidence: {problem}");
                releases.Add(release);
            }
        return releases;
    }
}
