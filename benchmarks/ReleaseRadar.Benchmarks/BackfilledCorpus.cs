using System.Diagnostics;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.Benchmarks;

/// <summary>A simulated history written as OpenMetrics, backfilled with promtool, and served by a real Prometheus.</summary>
public static class BackfilledCorpus
{
    /// <summary>Writes <paramref name="history"/> into <paramref name="work"/>, backfills it, and starts a server on it.</summary>
    public static async Task<LocalPrometheus> StartAsync(string work, OpenMetricsHistoryWriter history, Stopwatch simulated, CancellationToken ct)
    {
        var om = Path.Combine(work, "history.om");
        await using (var text = File.CreateText(om))
            history.Write(text);
        Console.Error.WriteLine($"simulated history: {new FileInfo(om).Length / 1e6:0} MB of OpenMetrics in {simulated.Elapsed.TotalSeconds:0}s");
        var clock = Stopwatch.StartNew();
        var data = Path.Combine(work, "data");
        await LocalPrometheus.BackfillAsync(om, data, ct);
        File.Delete(om);
        Console.Error.WriteLine($"promtool backfill: {clock.Elapsed.TotalSeconds:0}s");
        return await LocalPrometheus.StartAsync([], TimeSpan.FromSeconds(15), data, cancellationToken: ct);
    }
}
