using ReleaseRadar.IntegrationTests.Container;

namespace ReleaseRadar.IntegrationTests.Packaging;

/// <summary>The README's install lines: the CLI packed as a .NET tool here, installed into a temporary tool path, runs.</summary>
public sealed class ToolInstallTests
{
    [Fact]
    public async Task The_packed_tool_installs_and_runs()
    {
        var work = Directory.CreateTempSubdirectory("rr-tool-").FullName;
        try
        {
            var packages = Path.Combine(work, "packages");
            var pack = await ReleaseImage.RunAsync(
                RepoPaths.Of("scripts", "pack-tool.sh"),
                [packages],
                TimeSpan.FromMinutes(5),
                new Dictionary<string, string> { ["RELEASERADAR_PACK_NO_BUILD"] = "1" }
            );
            Assert.True(pack.Exit == 0, pack.ToString());
            var tools = Path.Combine(work, "tools");
            var install = await ReleaseImage.RunAsync(
                "dotnet",
                ["tool", "install", "--tool-path", tools, "--add-source", packages, "releaseradar"],
                TimeSpan.FromMinutes(3)
            );
            Assert.True(install.Exit == 0, install.ToString());

            var version = await ReleaseImage.RunAsync(Path.Combine(tools, "releaseradar"), ["--version"], TimeSpan.FromMinutes(1));
            Assert.True(version.Exit == 0, version.ToString());
            Assert.StartsWith("1.0.0", version.Stdout.Trim(), StringComparison.Ordinal);
            var help = await ReleaseImage.RunAsync(Path.Combine(tools, "releaseradar"), ["analyze", "--help"], TimeSpan.FromMinutes(1));
            Assert.True(help.Exit == 0, help.ToString());
            Assert.Contains("Exit codes: 0 OK; 1 error", help.Stdout);
            Assert.Contains("--prometheus <url>", help.Stdout);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
