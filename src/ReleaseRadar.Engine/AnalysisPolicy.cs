using System.Collections.Immutable;

namespace ReleaseRadar.Engine;

/// <summary>
/// Every knob of the analysis. The defaults are argued in docs/detection.md; each can be
/// overridden globally and per Release.
/// </summary>
public sealed record AnalysisPolicy
{
    /// <summary>
    /// Share of all requests that failed (4xx and 5xx by default): at least doubled and +0.1 pp. The floor is low enough
    /// that a quiet service going from 0.05 % to 0.25 % counts (a 99.9 % objective's whole budget is 0.1 %), and high
    /// enough that a doubling from 0.01 % to 0.02 % does not page anyone.
    /// </summary>
    public Thresholds ErrorRate { get; init; } = new(MinRatio: 2.0, MinIncrease: 0.001, Alpha: 0.01, Critical: false);

    /// <summary>Share of requests answered 5xx. Critical by default: server errors are the release's own failures.</summary>
    public Thresholds ServerErrorRate { get; init; } = new(MinRatio: 2.0, MinIncrease: 0.001, Alpha: 0.01, Critical: true);

    /// <summary>An availability objective for the 5xx check; null keeps its ratio thresholds.</summary>
    public SloPolicy? Slo { get; init; }

    /// <summary>P95 latency: 20 % slower and at least 25 ms.</summary>
    public Thresholds LatencyP95 { get; init; } = new(MinRatio: 1.2, MinIncrease: 0.025, Alpha: 0.01, Critical: false);

    /// <summary>P99 latency: 30 % slower and at least 50 ms (tails are noisier than P95).</summary>
    public Thresholds LatencyP99 { get; init; } = new(MinRatio: 1.3, MinIncrease: 0.050, Alpha: 0.01, Critical: false);

    /// <summary>
    /// Throughput lost beyond the control's change: at least halved. Judged only with a control, because without one a
    /// release cannot be told apart from its clients going quiet; load rises are never a regression.
    /// </summary>
    public Thresholds Traffic { get; init; } = new(MinRatio: 2.0, MinIncrease: 0, Alpha: 0.01, Critical: false);

    public ScoreWeights Weights { get; init; } = new(Errors: 40, ServerErrors: 30, Latency: 30, Traffic: 30);

    /// <summary>
    /// Steps at the end of the window that are also judged on their own, so a regression that begins late (a leak, a
    /// cache that fills) is not diluted by the healthy minutes before it. It only adds evidence of risk, never an OK.
    /// </summary>
    public int RecentSteps { get; init; } = 3;

    /// <summary>
    /// How many analyses the window holds. The recent window is looked at once per analysis, so its evidence must hold at
    /// alpha divided by this, or a noisy service would eventually be flagged by chance alone.
    /// </summary>
    public int Analyses { get; init; } = 28;

    /// <summary>
    /// The level each look at the growing window is tested at, so that a healthy release stays below alpha over all of them
    /// and all four judged metrics: the window is judged again at every analysis, and repeated looks at accumulating data
    /// find chance sooner or later. Alpha is split over the four metrics (Bonferroni), and each metric's share over the
    /// looks by alpha / analyses^0.7, which follows Pocock's constant boundary for equally spaced looks (for 28 looks at
    /// 0.01 the boundary is z = 3.07, p = 0.0011, from simulating the maximum over looks; this gives 0.00097).
    /// </summary>
    public double PerLook(double alpha) => alpha / (JudgedMetrics * Math.Pow(Math.Max(1, Analyses), 0.7));

    /// <summary>
    /// The level the recent window is tested at. It holds different steps at each look, and any of the four judged metrics
    /// may show a chance cluster there, so it is tested at alpha over every look at every metric (Bonferroni).
    /// </summary>
    public double PerRecentLook(double alpha) => alpha / (Math.Max(1, Analyses) * JudgedMetrics);

    /// <summary>Error rate, 5xx rate, P95 and P99: the metrics each analysis judges against the baseline.</summary>
    public const int JudgedMetrics = 4;

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

    /// <summary>
    /// How long before the declared deploy time a change of the service still counts as the release's own: a hook that ran
    /// late, or a few minutes of clock skew, put its first minutes inside the baseline. A change that began earlier and
    /// was still there at the deploy is an incident the release shipped into.
    /// </summary>
    public TimeSpan DeployTimeTolerance { get; init; } = TimeSpan.FromMinutes(15);

    public ImmutableArray<CustomCheckPolicy> Custom { get; init; } = [];

    public static AnalysisPolicy Default { get; } = new();
}
