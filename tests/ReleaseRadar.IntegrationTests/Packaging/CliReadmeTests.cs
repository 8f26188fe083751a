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

    [GeneratedRegex(@"```bash quickstart\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex QuickstartBlock();
}
