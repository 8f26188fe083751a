using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;

namespace ReleaseRadar.UnitTests.Api;

/// <summary>The status carries each window's values formatted for `kubectl get releases`, next to the raw numbers.</summary>
public sealed class DisplayValuesTests
{
    [Fact]
    public void The_printer_column_fields_show_percent_and_milliseconds_and_the_raw_numbers_stay()
    {
        var state = ReleaseState.Empty with
        {
            Current = new WindowValues(12_000, 0.0459, 0.0031, 0.08, 0.2251, 1.234, 1084.2),
            Baseline = new WindowValues(12_000, 0.0061, 0.0002, 0.07, 0.18, 0.3, 980),
            DeployedAt = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero),
            WindowEnd = new DateTimeOffset(2026, 12, 7, 10, 30, 0, TimeSpan.Zero),
        };
        var wire = StatusWire.ToWire(state);
        Assert.Equal("4.59%", wire.Current!.Display!.ErrorRate);
        Assert.Equal("225ms", wire.Current.Display.LatencyP95);
        Assert.Equal("1.23s", wire.Current.Display.LatencyP99);
        Assert.Equal("1,084req/s", wire.Current.Display.Throughput);
        Assert.Equal("0.61%", wire.Baseline!.Display!.ErrorRate);
        Assert.Equal(0.0459, wire.Current.ErrorRate);
        Assert.Equal("2026-12-07T10:00:00Z", wire.DeployedAt);
        Assert.Equal("2026-12-07T10:30:00Z", wire.WindowEnd);
        // Read back, the times are kept and the display is derived again, never trusted from the wire.
        var back = StatusWire.ToState(wire);
        Assert.Equal(state.DeployedAt, back.DeployedAt);
        Assert.Equal(state.WindowEnd, back.WindowEnd);
        Assert.Equal(wire.Current.Display, StatusWire.ToWire(back).Current!.Display);
    }

    [Fact]
    public void A_missing_value_has_no_display()
    {
        var wire = StatusWire.ToWire(ReleaseState.Empty with { Current = new WindowValues(0, null, null, null, null, null, 0) });
        Assert.Null(wire.Current!.Display!.ErrorRate);
        Assert.Null(wire.Current.Display.LatencyP95);
        Assert.Null(wire.DeployedAt);
    }
}
