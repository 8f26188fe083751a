using System.Text.RegularExpressions;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.IntegrationTests.Container;

namespace ReleaseRadar.IntegrationTests.Packaging;

/// <summary>
/// The README's install and quick-start lines (its fenced blocks tagged <c>bash quickstart</c>), run exactly as written
/// in one bash session, with a temporary HOME so the global tool install stays inside the test.
/// </summary>
public sealed partial class CliReadmeTests
{
    [Fact]
    public async Task The_readme_quickstart_installs_the_command_and_prints_a_verdict()
    {
        PrometheusRequirement.EnsureAvailable();
        var readme = await File.ReadAllTextAsync(RepoPaths.Of("README.md"), TestContext.Current.CancellationToken);
        var blocks = QuickstartBlock().Matches(readme).Select(m => m.Groups["body"].Value).ToList();
        Assert.Equal(2, blocks.Count); // install, then analyse: if the README changes shape, this test must be looked at
        var home = Directory.CreateTempSubdirectory("rr-home-").FullName;
        try
        {
            var script = "set -u\n" + string.Join("\n", blocks);
            var run = await ReleaseImage.RunAsync(
                "bash",
                ["-c", script],
                TimeSpan.FromMinutes(8),
                new Dictionary<string, string>
                {
                    ["HOME"] = home,
                    ["RELEASERADAR_PACK_NO_BUILD"] = "1", // the suite already built it; nothing rebuilds under running tests
                    ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                    ["DOTNET_NOLOGO"] = "1",
                }
            );
            Assert.Contains("exit code 2", run.Stdout + run.Stderr);
            Assert.Contains($"verdict: {StatusWire.Word(Verdict.Risky)}", run.Stdout);
            Assert.Matches(@"5xx rate up", run.Stdout);
            Assert.True(File.Exists(Path.Combine(home, ".dotnet", "tools", "releaseradar")), run.ToString());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>
    /// The quick start with its Prometheus port already taken (by something that answers HTTP, as another Prometheus would):
    /// `analyze` must not run against it. The block runs as written but for the port, a short sleep, and a stand-in
    /// for the exporter (whose port the test above uses).
    /// </summary>
    [Fact]
    public async Task The_readme_quickstart_does_not_analyse_against_a_prometheus_it_did_not_start()
    {
        PrometheusRequirement.EnsureAvailable();
        var readme = await File.ReadAllTextAsync(RepoPaths.Of("README.md"), TestContext.Current.CancellationToken);
        var block = QuickstartBlock().Matches(readme)[1].Groups["body"].Value;
        using var other = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        other.Start();
        var port = ((System.Net.IPEndPoint)other.LocalEndpoint).Port;
        var exporterLine = block.Split('\n')[0];
        Assert.StartsWith("releaseradar mock-exporter", exporterLine);
        var script = block
            .Replace(exporterLine, "sleep 60 &", StringComparison.Ordinal)
            .Replace("sleep 210", "sleep 5", StringComparison.Ordinal)
            .Replace("127.0.0.1:9090", $"127.0.0.1:{port}", StringComparison.Ordinal)
            .Replace(
                "releaseradar analyze",
                $"dotnet {Path.Combine(AppContext.BaseDirectory, "releaseradar.dll")} analyze",
                StringComparison.Ordinal
            );
        var run = await ReleaseImage.RunAsync("bash", ["-c", "set -u\n" + script], TimeSpan.FromMinutes(2));
        var printed = run.Stdout + run.Stderr;
        Assert.Contains("address already in use", printed);
        Assert.DoesNotContain("error: ", printed); // analyze never ran, so it never reported the wrong Prometheus
        Assert.Contains("exit code 1", printed);
    }

    [GeneratedRegex(@"```bash quickstart\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickstartBlock();
}
