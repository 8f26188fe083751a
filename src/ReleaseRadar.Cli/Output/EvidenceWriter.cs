using System.Reflection;
using System.Text.Json;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Evidence;
using ReleaseRadar.Prometheus;

namespace ReleaseRadar.Cli.Output;

/// <summary>
/// Writes the evidence files: a combined report, one report per release, the timeline and a Markdown summary. The set is
/// written into a staging directory beside the output and then exchanged with it in one step, so the output always
/// holds one whole set (a kill midway leaves the previous one), and files of Releases that no longer exist go with the
/// set they belonged to. The output must therefore be a directory of its own, not a mount point.
/// </summary>
public static class EvidenceWriter
{
    public const string ReportFile = "release-risk-report.json";
    public const string TimelineFile = "release-timeline.json";
    public const string SummaryFile = "release-risk-summary.md";

    public static async Task<IReadOnlyList<string>> WriteAsync(
        string directory,
        IReadOnlyCollection<Release> releases,
        DateTimeOffset generatedAt,
        AnalysisDefaults defaults,
        CancellationToken cancellationToken
    )
    {
        var context = Context(defaults);
        var output = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var inPlace = false;
        var parent = Path.GetDirectoryName(output)!;
        var name = Path.GetFileName(output);
        Directory.CreateDirectory(parent);
        Recover(parent, name, output);
        var staging = Path.Combine(parent, $".{name}.staging-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The output's parent takes no staging set (the output is a mount point, as `docker run -v dir:/evidence`
            // makes it): stage inside the output and move the files in, which is whole per file but not per set.
            Console.Error.WriteLine(
                $"warning: {parent} is not writable, so the evidence is replaced file by file, not as one set; give export a "
                    + $"directory of its own inside the volume (for example {Path.Combine(output, "current")})"
            );
            staging = Path.Combine(output, $".staging-{Guid.NewGuid():N}");
            inPlace = true;
        }
        var stamp = Rfc3339.Format(generatedAt);
        var written = new List<string>();
        async Task Write(string relative, string text)
        {
            var path = Path.Combine(staging, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, text.EndsWith('\n') ? text : text + "\n", cancellationToken);
            written.Add(Path.Combine(output, relative));
        }

        var reports = EvidenceProjector.Reports(releases, stamp, context);
        await Write(ReportFile, JsonSerializer.Serialize(reports, EvidenceProjector.Json.GetTypeInfo(typeof(IReadOnlyList<EvidenceReport>))));
        foreach (var report in reports)
            await Write(
                Path.Combine("releases", report.Namespace, report.Name, ReportFile),
                JsonSerializer.Serialize(report, EvidenceProjector.Json.GetTypeInfo(typeof(EvidenceReport)))
            );
        await Write(
            TimelineFile,
            JsonSerializer.Serialize(EvidenceProjector.Timeline(releases, stamp), EvidenceProjector.Json.GetTypeInfo(typeof(Timeline)))
        );
        await Write(SummaryFile, EvidenceProjector.Markdown(releases, stamp, context));
        if (inPlace)
            MoveIn(staging, output);
        else
            SwitchIn(staging, output, parent, name);
        return written;
    }

    /// <summary>
    /// This build's version, the defaults, and the queries the Prometheus adapter sends for a plan at its recorded sampling
    /// (the step's range widened as the scrape interval asked; the step alone before any sampling was recorded).
    /// </summary>
    public static EvidenceContext Context(AnalysisDefaults defaults) =>
        new(
            ToolVersion,
            defaults,
            (plan, sampling) =>
            {
                var range = sampling is { } s ? new StepRange(plan.Step, s.QueryRange, s.ScrapeInterval) : StepRange.For(plan.Step, null);
                var matchers = PromQl.Matchers(plan.Selector);
                return new EvidenceQueries(
                    PromQl.RequestsByCode(plan.Metrics.Requests, plan.Metrics.StatusLabel, matchers, range, []),
                    PromQl.LatencyBuckets(plan.Metrics.LatencyHistogram, matchers, range, [])
                );
            }
        );

    /// <summary>The version `releaseradar --version` prints: the build's version and commit.</summary>
    public static string ToolVersion { get; } =
        typeof(EvidenceWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Puts the staged set at <paramref name="output"/> and removes the set it replaces.</summary>
    private static void SwitchIn(string staging, string output, string parent, string name)
    {
        if (!Directory.Exists(output))
            Directory.Move(staging, output);
        else if (DirectoryExchange.TryExchange(staging, output))
            Directory.Delete(staging, recursive: true); // now the previous set
        else
        {
            // Two renames where the exchange is not available: a kill between them leaves the previous set beside the
            // output, and the next export puts it back before it starts (Recover).
            var previous = Path.Combine(parent, $".{name}.previous-{Guid.NewGuid():N}");
            Directory.Move(output, previous);
            Directory.Move(staging, output);
            Directory.Delete(previous, recursive: true);
        }
    }

    /// <summary>
    /// The staged files moved over the output's one by one (each rename whole), then the output's files that the new set
    /// does not have (Releases deleted since) removed.
    /// </summary>
    private static void MoveIn(string staging, string output)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(staging, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(staging, file);
            var target = Path.Combine(output, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(file, target, overwrite: true);
            keep.Add(relative);
        }
        Directory.Delete(staging, recursive: true);
        foreach (var file in Directory.GetFiles(output, "*", SearchOption.AllDirectories))
            if (!keep.Contains(Path.GetRelativePath(output, file)))
                File.Delete(file);
        foreach (var dir in Directory.GetDirectories(output, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            if (Directory.GetFileSystemEntries(dir).Length == 0)
                Directory.Delete(dir);
    }

    /// <summary>What an export killed midway left: staging sets are dropped; a previous set with no output is put back.</summary>
    private static void Recover(string parent, string name, string output)
    {
        foreach (var staging in Directory.GetDirectories(parent, $".{name}.staging-*"))
            Directory.Delete(staging, recursive: true);
        foreach (var previous in Directory.GetDirectories(parent, $".{name}.previous-*"))
            if (!Directory.Exists(output))
                Directory.Move(previous, output);
            else
                Directory.Delete(previous, recursive: true);
    }
}
