using System.Collections.Immutable;
using MathNet.Numerics.Distributions;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Engine;

/// <summary>
/// Plain-value traffic for engine tests: binomial errors, log-normal latencies with an optional slow path, Poisson volumes,
/// all seeded. <see cref="ErrorNoise"/> makes error ratios bursty (log-normal, correlated from step to step), as real ones are.
/// </summary>
public sealed record TrafficShape(
    double Rps = 50,
    double ErrorRate = 0.005,
    double ServerErrorRate = 0.002,
    double LatencyMedian = 0.08,
    double LatencySigma = 0.45,
    double SlowShare = 0,
    double ErrorNoise = 0
)
{
    public static readonly double[] Bounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2.5, 5, 10];

    public TrafficWindow Window(DateTimeOffset start, int steps, TimeSpan step, Random random, Func<int, TrafficShape>? perStep = null)
    {
        var samples = ImmutableArray.CreateBuilder<StepSample>();
        var wander = 0.0;
        for (var i = 1; i <= steps; i++)
        {
            var shape = perStep?.Invoke(i) ?? this;
            // Drawn only for noisy shapes, so the quiet ones keep their exact random streams.
            if (shape.ErrorNoise > 0)
                wander = 0.5 * wander + Math.Sqrt(0.75) * shape.ErrorNoise * Normal.Sample(random, 0, 1);
            var burst = Math.Exp(wander);
            var n = shape.Rps > 0 ? Poisson.Sample(random, shape.Rps * step.TotalSeconds) : 0;
            var server = Binomial.Sample(random, Math.Min(1, shape.ServerErrorRate * burst), n);
            var client = Binomial.Sample(random, Math.Min(1, Math.Max(0, shape.ErrorRate - shape.ServerErrorRate) * burst), n - server);
            var counts = new double[Bounds.Length + 1];
            for (var k = 0; k < n; k++)
            {
                var v = Math.Exp(Math.Log(shape.LatencyMedian) + shape.LatencySigma * Normal.Sample(random, 0, 1));
                if (shape.SlowShare > 0 && random.NextDouble() < shape.SlowShare)
                    v *= 4;
                var b = Array.BinarySearch(Bounds, v);
                counts[b < 0 ? ~b : b]++;
            }
            double cumulative = 0;
            var buckets = ImmutableArray.CreateBuilder<HistogramBucket>();
            for (var b = 0; b < Bounds.Length; b++)
                buckets.Add(new HistogramBucket(Bounds[b], cumulative += counts[b]));
            buckets.Add(new HistogramBucket(double.PositiveInfinity, n));
            samples.Add(new StepSample(start + step * i, n, server + client, server, n > 0 ? new LatencyHistogram(buckets.ToImmutable()) : null));
        }
        return new TrafficWindow(start, start + step * steps, step, samples.ToImmutable(), steps);
    }
}

public static class Inputs
{
    public static readonly DateTimeOffset Deploy = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(1);

    /// <summary>Before/after input: 60 baseline steps before the deploy, 30 release steps after it.</summary>
    /// <param name="currentAt">The shape of the release at each step (1-based), for regressions that begin late.</param>
    /// <param name="baselineAt">The shape of the baseline at each step (1-based), for blips and incidents before the deploy.</param>
    public static AnalysisInput BeforeAfter(
        int seed,
        TrafficShape baseline,
        TrafficShape current,
        TrafficShape? controlBaseline = null,
        TrafficShape? controlCurrent = null,
        int baselineSteps = 60,
        int currentSteps = 30,
        Func<int, TrafficShape>? currentAt = null,
        Func<int, TrafficShape>? controlCurrentAt = null,
        Func<int, TrafficShape>? baselineAt = null
    )
    {
        var random = new Random(seed);
        var b = baseline.Window(Deploy - Step * baselineSteps, baselineSteps, Step, random, baselineAt);
        var c = current.Window(Deploy, currentSteps, Step, random, currentAt);
        TrafficWindow? cb = null,
            cc = null;
        if (controlBaseline is not null && controlCurrent is not null)
        {
            cb = controlBaseline.Window(Deploy - Step * baselineSteps, baselineSteps, Step, random);
            cc = controlCurrent.Window(Deploy, currentSteps, Step, random, controlCurrentAt);
        }
        return new AnalysisInput(BaselineMode.BeforeDeploy, c, b, cc, cb, DeployedAt: Deploy);
    }

    /// <summary>
    /// A canary and its stable pods over the same window (a concurrent baseline): the stable pods' shape at each step, and
    /// the canary's, so an incident can hit both at the same steps.
    /// </summary>
    public static AnalysisInput Canary(int seed, Func<int, TrafficShape> stableAt, Func<int, TrafficShape> canaryAt, int steps = 30)
    {
        var random = new Random(seed);
        var stable = stableAt(1).Window(Deploy, steps, Step, random, stableAt);
        var canary = canaryAt(1).Window(Deploy, steps, Step, random, canaryAt);
        return new AnalysisInput(BaselineMode.Concurrent, canary, stable, null, null, DeployedAt: Deploy);
    }

    /// <summary>The same input as an analysis after <paramref name="steps"/> steps would see it: the release window cut short.</summary>
    public static AnalysisInput After(AnalysisInput input, int steps)
    {
        TrafficWindow Cut(TrafficWindow w) => w with { End = w.Start + Step * steps, Steps = [.. w.Steps.Take(steps)], ExpectedSteps = steps };
        return input with
        {
            Current = Cut(input.Current),
            Baseline = input.Mode == BaselineMode.Concurrent ? Cut(input.Baseline) : input.Baseline,
            ControlCurrent = input.ControlCurrent is { } c ? Cut(c) : null,
        };
    }
}
