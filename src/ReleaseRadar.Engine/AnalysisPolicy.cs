using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>Which way is worse for a metric.</summary>
public enum Direction
{
    IncreaseIsBad,
    DecreaseIsBad,
}

/// <summary>
/// When a change of one metric counts as a regression. Both tests must pass:
/// statistical (p below <see cref="Alpha"/>) and practical (at least <see cref="MinRatio"/> times the baseline
/// <b>and</b> at least <see cref="MinIncrease"/> worse in absolute terms).
/// </summary>
/// <param name="MinIncrease">Absolute floor in the metric's own unit: a ratio (0.005 = 0.5 pp) or seconds.</param>
/// <param name="Critical">A confirmed regression of a critical metric makes the release RIESGOSO whatever the score.</param>
public sealed record Thresholds(double MinRatio, double MinIncrease, double Alpha, bool Critical);

/// <summary>Weights of the three built-in score components (the seed's errors 40 / latency 30 / 5xx 30).</summary>
public sealed record ScoreWeights(double Errors, double ServerErrors, double Latency);

/// <summary>A custom PromQL metric's judgement settings.</summary>
public sealed record CustomCheckPolicy(string Name, Thresholds Thresholds, double Weight, Direction Direction, bool Optional);

/// <summary>
/// Every knob of the analysis. The defaults are argued in the README ("Tuning the analysis"); each can be
/// overridden globally and per Release.
/// </summary>
public sealed record AnalysisPolicy
{
    /// <summary>Share of all requests that failed (4xx and 5xx by default). 2× and +0.5 pp: a doubling nobody notices at 0.01 % is not a page.</summary>
    public Thresholds ErrorRate { get; init; } = new(MinRatio: 2.0, MinIncrease: 0.005, Alpha: 0.01, Critical: false);

    /// <summary>Share of requests answered 5xx. Critical by default: server errors are the release's own failures.</summary>
    public Thresholds ServerErrorRate { get; init; } = new(MinRatio: 2.0, MinIncrease: 0.005, Alpha: 0.01, Critical: true);

    /// <summary>P95 latency: 20 % slower and at least 25 ms.</summary>
    public Thresholds LatencyP95 { get; init; } = new(MinRatio: 1.2, MinIncrease: 0.025, Alpha: 0.01, Critical: false);

    /// <summary>P99 latency: 30 % slower and at least 50 ms (tails are noisier than P95).</summary>
    public Thresholds LatencyP99 { get; init; } = new(MinRatio: 1.3, MinIncrease: 0.050, Alpha: 0.01, Critical: false);

    public ScoreWeights Weights { get; init; } = new(Errors: 40, ServerErrors: 30, Latency: 30);

    /// <summary>Fewer requests than this in the release or the baseline window: not enough data.</summary>
    public double MinRequests { get; init; } = 500;

    /// <summary>
    /// Power an error-ratio test must have to detect a change of the practical threshold's size before "no regression" counts
    /// as OK. Below it the metric is "not enough data": absence of evidence from too few requests is not evidence of absence.
    /// </summary>
    public double Power { get; init; } = 0.8;

    /// <summary>Fewer per-step samples than this (per window) and a latency or custom test is not attempted.</summary>
    public int MinSteps { get; init; } = 5;

    /// <summary>Share of expected steps that must hold data; below it, gaps make the window untrustworthy.</summary>
    public double MinCoverage { get; init; } = 0.5;

    /// <summary>Score at or above which the release is risky (once sustained, see <see cref="ConsecutiveIntervals"/>).</summary>
    public double RiskyScore { get; init; } = 25;

    /// <summary>Consecutive analyses that must agree before the verdict changes, except for critical regressions and the final analysis.</summary>
    public int ConsecutiveIntervals { get; init; } = 2;

    public ImmutableArray<CustomCheckPolicy> Custom { get; init; } = [];

    public static AnalysisPolicy Default { get; } = new();
}
