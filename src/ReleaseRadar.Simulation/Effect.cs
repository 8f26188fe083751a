namespace ReleaseRadar.Simulation;

/// <summary>Multipliers and additions a scenario or an incident applies at one moment.</summary>
public sealed record Effect(
    double Traffic = 1,
    double ServerErrorMultiplier = 1,
    double ServerErrorAdd = 0,
    double ClientErrorAdd = 0,
    double Latency = 1,
    double SlowShare = 1
)
{
    public static Effect None { get; } = new();

    public Effect Combine(Effect o) =>
        new(
            Traffic * o.Traffic,
            ServerErrorMultiplier * o.ServerErrorMultiplier,
            ServerErrorAdd + o.ServerErrorAdd,
            ClientErrorAdd + o.ClientErrorAdd,
            Latency * o.Latency,
            SlowShare * o.SlowShare
        );
}
