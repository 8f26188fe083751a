using System.CommandLine;
using System.Text.Json.Nodes;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;
using ReleaseRadar.Cli.Output;
using ReleaseRadar.Engine;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Cli.Commands;

/// <summary>
/// `releaseradar analyze -f release.yaml --prometheus URL [--at T] [-o text|json|yaml]`: the operator's analysis without a
/// cluster. By default it replays every interval from the end of the warm-up to --at, so the verdict has the same
/// history and the same anti-flapping as the operator's would.
/// </summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var file = new Option<string>("--file", "-f") { Description = "Release manifest (YAML or JSON; '-' for stdin)", Required = true };
        var at = new Option<string?>("--at")
        {
            Description = "Analyse as of this RFC 3339 time, or a duration ago (e.g. 30m); default now. A past time gives a retrospective analysis",
        };
        var output = new Option<string>("--output", "-o") { Description = "text, json or yaml", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json", "yaml");
        var defaults = new Option<string?>("--defaults") { Description = "YAML file of global defaults (analysis thresholds, metric names)" };
        var deployedAt = new Option<string?>("--deployed-at")
        {
            Description = "Sets spec.deployedAt of every Release read: an RFC 3339 time, or a duration before --at (e.g. 2m)",
        };
        var noReplay = new Option<bool>("--no-replay")
        {
            Description = "Analyse once at --at instead of replaying every interval (no history, no anti-flapping)",
        };
        var prometheus = new PrometheusConnection();

        var command = new Command(
            "analyze",
            "Analyse a Release manifest against Prometheus exactly as the operator would, and print its status.\n"
                + "Exit codes: 0 OK; 1 error (unreadable manifest, invalid spec, bad option, Prometheus unreachable); "
                + $"2 {StatusWire.Word(Verdict.Risky)} (risky); 3 {StatusWire.Word(Verdict.InsufficientData)} (not enough data); "
                + "4 no verdict yet (pending or warming up); "
                + "5 no series matched (the selector or the time range matches no series in Prometheus: a setup mistake). "
                + "With several releases the worst wins: 1, then 5, 2, 3, 4."
        )
        {
            file,
            at,
            output,
            defaults,
            deployedAt,
            noReplay,
        };
        prometheus.AddTo(command);
        command.SetAction(
            async (result, ct) =>
            {
                try
                {
                    var now = DateTimeOffset.UtcNow;
                    var when = result.GetValue(at) is { } atText ? At(atText, now) : now;
                    var path = result.GetValue(file)!;
                    var text = path == "-" ? await Console.In.ReadToEndAsync(ct) : await ReadFileAsync(path, ct);
                    var releases = ManifestReader.ReadReleases(text, path == "-" ? "stdin" : path);
                    if (result.GetValue(deployedAt) is { } deployedText)
                    {
                        var deployed =
                            Rfc3339.TryParse(deployedText, out var t) ? t
                            : GoDuration.TryParse(deployedText, out var ago) ? when - ago
                            : throw new UsageException($"--deployed-at: '{deployedText}' is neither an RFC 3339 time nor a duration like 2m");
                        foreach (var r in releases)
                            r.Spec = r.Spec with { DeployedAt = Rfc3339.Format(deployed) };
                    }
                    var globalDefaults = result.GetValue(defaults) is { } d ? LoadDefaults(d) : AnalysisDefaults.None;

                    using var client = new PrometheusClient(prometheus.Resolve(result));
                    var analyzer = new ReleaseAnalyzer(new PrometheusReleaseSource(client));
                    var outcomes = new List<(Release Release, AnalysisOutcome Outcome, ReleaseStatus Status)>();
                    foreach (var release in releases)
                    {
                        // A manifest straight from `kubectl get -o yaml` may lack deployedAt and carry a creationTimestamp; a fresh one has neither.
                        var outcome = result.GetValue(noReplay)
                            ? await analyzer.AnalyzeAsync(release.Subject, release.State, when, globalDefaults, ct)
                            : await analyzer.ReplayAsync(release.Subject, when, globalDefaults, ct);
                        outcomes.Add((release, outcome, StatusWire.ToWire(outcome.State)));
                    }

                    // Errors first: when the exit code says error, stdout stays empty, so no pipeline reads a half result.
                    var errors = new List<(string Text, int Code)>();
                    foreach (var (release, outcome, _) in outcomes)
                    {
                        switch (outcome)
                        {
                            // The conditions' messages, not the raw errors: they are the redacted text the status shows.
                            case AnalysisOutcome.Invalid:
                                errors.Add(
                                    (
                                        $"error: {release.Key}: invalid spec: {outcome.State.Condition(ConditionType.SpecValid)?.Message}",
                                        ExitCodes.Error
                                    )
                                );
                                break;
                            case AnalysisOutcome.SourceFailed failed:
                                var code = failed.Reason == MetricSourceException.NoSeriesMatched ? ExitCodes.NoSeriesMatched : ExitCodes.Error;
                                errors.Add(($"error: {release.Key}: {outcome.State.Condition(ConditionType.MetricsAvailable)?.Message}", code));
                                break;
                        }
                    }
                    if (errors.Count > 0)
                    {
                        foreach (var (message, _) in errors)
                            Console.Error.WriteLine(message);
                        return ExitCodes.Worst(errors.Select(e => e.Code));
                    }

                    var format = result.GetValue(output);
                    if (format is "json" or "yaml")
                    {
                        var json =
                            outcomes.Count == 1
                                ? StatusJson.Serialize(outcomes[0].Status)
                                : StatusJson.Serialize(outcomes.Select(o => new AnalyzedRelease(o.Release.Key, o.Status)).ToList());
                        Console.Out.WriteLine(format == "json" ? json : YamlWriter.Write(JsonNode.Parse(json)).TrimEnd('\n'));
                    }
                    else
                        foreach (var (release, _, status) in outcomes)
                            Console.Out.WriteLine(StatusText.Render(release, status));
                    var codes = outcomes.Select(o => ExitCodes.ForVerdict(o.Outcome.State.Verdict));
                    return ExitCodes.Worst(codes);
                }
                catch (Exception e) when (e is UsageException or ManifestException or FormatException)
                {
                    Console.Error.WriteLine($"error: {e.Message}");
                    return ExitCodes.Error;
                }
            }
        );
        return command;
    }

    /// <summary>--at: an RFC 3339 time or a duration before now, as --deployed-at takes; never in the future, where no sample is.</summary>
    internal static DateTimeOffset At(string text, DateTimeOffset now)
    {
        var when =
            Rfc3339.TryParse(text, out var t) ? t
            : GoDuration.TryParse(text, out var ago) ? now - ago
            : throw new UsageException($"--at: '{text}' is neither an RFC 3339 time (e.g. 2026-11-23T14:30:00Z) nor a duration ago like 30m");
        if (when > now)
            throw new UsageException(
                $"--at: {Rfc3339.Format(when)} is {ReasonText.Duration(when - now)} in the future; Prometheus has no samples there yet"
            );
        return when;
    }

    private static async Task<string> ReadFileAsync(string path, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--file: cannot read {path}: {e.Message}");
        }
    }

    public static AnalysisDefaults LoadDefaults(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--defaults: cannot read {path}: {e.Message}");
        }
        try
        {
            return ManifestReader.ReadStrict<AnalysisDefaults>(text, path) ?? AnalysisDefaults.None;
        }
        catch (ManifestException e)
        {
            throw new UsageException($"--defaults: {e.Message}");
        }
    }
}
