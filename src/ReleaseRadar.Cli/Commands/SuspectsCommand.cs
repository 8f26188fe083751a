using System.CommandLine;
using System.Text;
using System.Text.Json;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.Suspects;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Cli.Output;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator.Hosting;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Cli.Commands;

/// <summary>
/// `releaseradar suspects --service checkout [--metric 5xx] [--since 2h] [--at T] -f releases.yaml --prometheus URL`:
/// which release broke it. Finds the symptom's change point in Prometheus and ranks the Releases deployed in the
/// look-back (see <see cref="SuspectRanker"/>), or answers "none of these" with its reason.
/// </summary>
public static class SuspectsCommand
{
    public static Command Create()
    {
        var service = new Option<string>("--service") { Description = "The service that shows the symptom", Required = true };
        var serviceLabel = new Option<string>("--service-label")
        {
            Description = "The label that names a service in your series",
            DefaultValueFactory = _ => "service",
        };
        var metric = new Option<string>("--metric")
        {
            Description = "5xx, errors, p95, throughput, or any (whichever moved most)",
            DefaultValueFactory = _ => "5xx",
        };
        metric.AcceptOnlyFromAmong(SymptomWords.Accepted);
        var since = new Option<string>("--since") { Description = "How far back to look (Go duration)", DefaultValueFactory = _ => "2h" };
        var at = new Option<string?>("--at") { Description = "When the symptom is seen: an RFC 3339 time or a duration ago (default: now)" };
        var file = new Option<string?>("--file", "-f")
        {
            Description = "The Releases to consider, as YAML or JSON manifests (default: every Release in the cluster of the kubeconfig)",
        };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)" };
        var context = new Option<string?>("--context") { Description = "kubeconfig context" };
        var scope = new Option<string[]>("--selector", "-l") { Description = "Label matchers every series must have (k=v, repeatable)" };
        var calls = new Option<string[]>("--calls") { Description = "A call between services, caller=callee (repeatable)" };
        var mesh = new Option<string>("--mesh")
        {
            Description = "Where a service mesh counts calls: metric,caller-label,callee-label (none: do not read one)",
            DefaultValueFactory = _ => $"{MeshLabels.Istio.Metric},{MeshLabels.Istio.Caller},{MeshLabels.Istio.Callee}",
        };
        var output = new Option<string>("--output", "-o") { Description = "text or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var prometheus = new PrometheusConnection();
        var command = new Command("suspects", "Which release broke it: rank the releases deployed in the look-back for a symptom")
        {
            service,
            serviceLabel,
            metric,
            since,
            at,
            file,
            scope,
            calls,
            mesh,
            kubeconfig,
            context,
            output,
        };
        prometheus.AddTo(command);
        command.SetAction(
            async (result, ct) =>
            {
                try
                {
                    var now = DateTimeOffset.UtcNow;
                    var when = result.GetValue(at) is { } atText ? AnalyzeCommand.At(atText, now) : now;
                    if (!GoDuration.TryParse(result.GetValue(since), out var back) || back <= TimeSpan.Zero)
                        throw new UsageException($"--since: '{result.GetValue(since)}' is not a positive duration like 2h");
                    var label = result.GetValue(serviceLabel)!;
                    var path = result.GetValue(file);
                    var all = path is not null
                        ? ManifestReader.ReadReleases(await File.ReadAllTextAsync(path, ct), path)
                        : await ExportCommand.ListAsync(
                            ReleaseRadar.Operator.Kubernetes.KubernetesConnection.Create(result.GetValue(kubeconfig), result.GetValue(context)),
                            [],
                            null,
                            ct
                        );
                    var symptom = SymptomWords.Parse(result.GetValue(metric))!.Value;
                    var graph = SymptomQuery.Graph(Pairs(result.GetValue(calls), "--calls"));
                    var query = new SymptomQuery(
                        result.GetValue(service)!,
                        label,
                        symptom,
                        back,
                        when,
                        Pairs(result.GetValue(scope), "--selector").ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
                        graph,
                        Mesh(result.GetValue(mesh)!)
                    );
                    using var client = new PrometheusClient(prometheus.Resolve(result));
                    var answer = await new SuspectSearch(client, AnalysisDefaults.None).FindAsync(all, query, ct);
                    if (result.GetValue(output) == "json")
                    {
                        Console.Out.WriteLine(
                            JsonSerializer.Serialize(SuspectsReport.Of(query.Service, answer), StatusJson.Options.GetTypeInfo(typeof(SuspectsReport)))
                        );
                        return ExitCodes.Ok;
                    }
                    Console.Out.Write(Render(result.GetValue(service)!, symptom, answer));
                    return ExitCodes.Ok;
                }
                catch (ReleaseRadar.Analysis.MetricSourceException e) when (e.Reason == ReleaseRadar.Analysis.MetricSourceException.NoSeriesMatched)
                {
                    // A setup mistake (a misspelt service, the wrong label), as `analyze` reports one.
                    Console.Error.WriteLine($"error: {e.Message}");
                    return ExitCodes.NoSeriesMatched;
                }
                catch (Exception e)
                    when (ClusterErrors.Reported(e) || e is ManifestException or IOException or ReleaseRadar.Analysis.MetricSourceException)
                {
                    return ClusterErrors.Report(e);
                }
            }
        );
        return command;
    }

    /// <summary>--mesh: metric,caller-label,callee-label, or none.</summary>
    private static MeshLabels? Mesh(string value)
    {
        if (value == "none")
            return null;
        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var mesh = parts.Length == 3 ? new MeshLabels(parts[0], parts[1], parts[2]) : null;
        var problem = mesh?.Problem();
        return mesh is not null && problem is null
            ? mesh
            : throw new UsageException(
                $"--mesh: '{value}' is not metric,caller-label,callee-label{(problem is null ? "" : $" ({problem})")}, nor none"
            );
    }

    /// <summary>k=v pairs of a repeatable option.</summary>
    private static List<KeyValuePair<string, string>> Pairs(string[]? values, string option) =>
        SymptomQuery.TryPairs(values, out var pairs, out var bad)
            ? pairs
            : throw new UsageException($"{option}: '{bad}' is not of the form name=value");

    private static string Render(string service, SymptomMetric asked, SuspectsAnswer answer)
    {
        var metric = answer.Metric;
        var unit = metric switch
        {
            SymptomMetric.LatencyP95 => MetricUnit.Seconds,
            SymptomMetric.Throughput => MetricUnit.RequestsPerSecond,
            _ => MetricUnit.Ratio,
        };
        var sb = new StringBuilder();
        sb.Append($"Symptom: the {SymptomWords.Name(metric)} of {service}");
        if (asked == SymptomMetric.MovedMost && answer.Onset is not null)
            sb.Append(" (the metric that moved most)");
        if (answer.Onset is { } o)
            sb.Append($", changed at {Rfc3339.Format(o.At)} ({ReasonText.Value(o.Before, unit)} → {ReasonText.Value(o.After, unit)})");
        sb.Append('\n');
        if (answer.NoneOfThese is { } none)
            sb.Append($"None of these: {none}\n");
        var rank = 0;
        foreach (var s in answer.Ranked)
            sb.Append($"{++rank, 2}. score {s.Score:0.00}  {s.Sentence}\n");
        // Too few to call shared, still worth a look: another service that changed then and that no release explains.
        if (answer.NoneOfThese is null && answer.ChangedTogether.Count > 0)
            sb.Append($"Also changed at the onset, with no release to explain it: {string.Join(", ", answer.ChangedTogether)}\n");
        return sb.ToString();
    }
}
