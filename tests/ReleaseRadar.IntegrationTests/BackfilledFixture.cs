using System.Globalization;
using ReleaseRadar.Simulation;

namespace ReleaseRadar.IntegrationTests;

/// <summary>
/// A real Prometheus on history backfilled with promtool (create-blocks-from openmetrics), started for a test class and
/// removed after it. Without prometheus and promtool on PATH there is no server; the tests say why (PrometheusRequirement).
/// </summary>
public abstract class BackfilledFixture(string name) : IAsyncLifetime
{
    public LocalPrometheus? Server { get; private set; }
    private string? _dir;

    /// <summary>A client of the server, for a test that reads it directly rather than through the CLI.</summary>
    public ReleaseRadar.Prometheus.PrometheusClient NewClient() => new(new ReleaseRadar.Prometheus.PrometheusOptions { Url = Server!.Url });

    /// <summary>The history to backfill, as OpenMetrics text ending in "# EOF".</summary>
    protected abstract string History();

    public async ValueTask InitializeAsync()
    {
        if (LocalPrometheus.FindBinary("prometheus") is null || LocalPrometheus.FindBinary("promtool") is null)
            return;
        _dir = Directory.CreateTempSubdirectory($"rr-{name}-").FullName;
        var om = Path.Combine(_dir, "history.om");
        await File.WriteAllTextAsync(om, History());
        var data = Path.Combine(_dir, "data");
        await LocalPrometheus.BackfillAsync(om, data);
        Server = await LocalPrometheus.StartAsync([], TimeSpan.FromSeconds(15), data);
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
        if (_dir is not null)
            try
            {
                Directory.Delete(_dir, true);
            }
            catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    /// <summary>What <paramref name="writer"/> simulated, as OpenMetrics text.</summary>
    protected static string Text(OpenMetricsHistoryWriter writer)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        writer.Write(text);
        return text.ToString();
    }
}
