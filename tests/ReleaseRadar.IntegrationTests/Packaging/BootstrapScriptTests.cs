namespace ReleaseRadar.IntegrationTests.Packaging;

/// <summary>
/// scripts/bootstrap.sh is sourced by demo.sh, the benchmarks' scripts and test.sh: it must hand back the caller's shell
/// as it was.
/// </summary>
public sealed class BootstrapScriptTests
{
    [Theory]
    [InlineData("set -euo pipefail", false)]
    [InlineData("set -uo pipefail", true)]
    public async Task Sourcing_it_keeps_the_callers_errexit_as_it_was(string options, bool continues)
    {
        // Tools off: only the SDK and Prometheus are checked, and both are there wherever the tests run.
        var script = $"{options}\ncd '{Tools.Root}'\nRR_BOOTSTRAP_TOOLS=0 source scripts/bootstrap.sh >/dev/null 2>&1\nfalse\necho continued";
        var r = await CliProcess.RunProgramAsync("bash", ["-c", script]);
        // With errexit the failing command ends the script (the benchmark scripts stopped on nothing before this).
        Assert.Equal(continues, r.Stdout.Contains("continued", StringComparison.Ordinal));
        Assert.Equal(continues ? 0 : 1, r.ExitCode);
    }
}
