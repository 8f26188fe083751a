using System.Text.Json;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Evidence;

namespace ReleaseRadar.Cli.Output;

/// <summary>Writes the evidence files: a combined report, one report per release, the timeline and a Markdown summary.</summary>
public static class EvidenceWriter
{
    public const string ReportFile = "release-risk-report.json";
    public const string TimelineFile = "release-timeline.json";
    public const string SummaryFile = "release-risk-summary.md";

    public static async Task<IReadOnlyList<string>> WriteAsync(
        string directory,
        IReadOnlyCollection<Release> releases,
        DateTimeOffset generatedAt,
        CancellationToken cancellationToken
    )
    {
        Directory.CreateDirectory(directory);
        var stamp = Rfc3339.Format(generatedAt);
        var written = new List<string>();
        async Task Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Write then rename: a reader (or a crash) never sees half a report.
            var temp = path + ".tmp";
            await File.WriteAllTextAsync(temp, text.EndsWith('\n') ? text : text + "\n", cancellationToken);
            File.Move(temp, path, overwrite: true);
            written.Add(path);
        }

        var reports = EvidenceProjector.Reports(releases, stamp);
        await Write(
            Path.Combine(directory, ReportFile),
            JsonSerializer.Serialize(reports, EvidenceProjector.Json.GetTypeInfo(typeof(IReadOnlyList<EvidenceReport>)))
        );
        foreach (var report in reports)
            await Write(
                Path.Combine(directory, "releases", report.Namespace, report.Name, ReportFile),
                JsonSerializer.Serialize(report, EvidenceProjector.Json.GetTypeInfo(typeof(EvidenceReport)))
            );
        await Write(
            Path.Combine(directory, TimelineFile),
            JsonSerializer.Serialize(EvidenceProjector.Timeline(releases, stamp), EvidenceProjector.Json.GetTypeInfo(typeof(Timeline)))
        );
        await Write(Path.Combine(directory, SummaryFile), EvidenceProjector.Markdown(releases, stamp));
        return written;
    }
}
