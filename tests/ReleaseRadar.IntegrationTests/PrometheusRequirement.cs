using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// These tests need a real Prometheus. Where it is missing they are skipped with the reason shown, unless
/// RELEASERADAR_REQUIRE_PROMETHEUS=1 (set by .ci/run), where a missing binary is a failure, not a skip.
/// </summary>
public static class PrometheusRequirement
{
    public static void EnsureAvailable()
    {
        if (LocalPrometheus.FindBinary("prometheus") is not null && LocalPrometheus.FindBinary("promtool") is not null)
            return;
        const string reason = "prometheus/promtool not on PATH: install with 'apt-get install -y prometheus' (.ci/run does)";
        if (Environment.GetEnvironmentVariable("RELEASERADAR_REQUIRE_PROMETHEUS") == "1")
            Assert.Fail(reason);
        Assert.Skip(reason);
    }
}
