using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.Planning;

/// <summary>
/// Validates a Release's spec and applies defaults (the Release's own value, then the global defaults, then the built-in one).
/// It reports every problem at once, each with its field path, because a user fixing a manifest wants the whole list.
/// </summary>
public static partial class ReleasePlanner
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultBaselineWindow = TimeSpan.FromHours(1);
    public const string DefaultRequestsMetric = "http_requests_total";
    public const string DefaultStatusLabel = "code";
    public const string DefaultErrorCodes = "[45]..";
    public const string DefaultServerErrorCodes = "5..";
    public const string DefaultLatencyHistogram = "http_request_duration_seconds";

    /// <summary>The longest window, interval, warm-up or baseline accepted: far beyond any real use, far from overflow.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    /// <summary>Deploy times are checked against this range, so window arithmetic can never leave DateTimeOffset's.</summary>
    public static readonly DateTimeOffset EarliestDeploy = new(1971, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LatestDeploy = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Prometheus refuses range queries of more than 11,000 points per series.
    private const int MaxPointsPerQuery = 11_000;

    /// <summary>spec.rollback's words: the names of <see cref="RollbackMode"/>, as the CRD's enum lists them.</summary>
    public static ImmutableArray<string> RollbackWords { get; } = [.. Enum.GetNames<RollbackMode>()];

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]*\z")]
    public static partial Regex LabelName();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*\z")]
    public static partial Regex MetricName();

    public static PlanResult Plan(ReleaseSubject release, AnalysisDefaults? defaults = null)
    {
        try
        {
            return PlanChecked(release, defaults);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or FormatException or InvalidOperationException)
        {
            // Every field has its own check above; this is the net under them, so a spec nobody foresaw still ends as a
            // visible SpecValid=False (CLI: exit 1 with the message) instead of a reconcile that throws forever.
            return new PlanResult(null, [$"spec: cannot be validated ({e.Message})"]);
        }
    }

    private static PlanResult PlanChecked(ReleaseSubject release, AnalysisDefaults? defaults)
    {
        defaults ??= AnalysisDefaults.None;
        var errors = new List<string>();
        var spec = release.Spec ?? new ReleaseSpec();
        var analysis = spec.Analysis ?? new AnalysisSpec();
        var global = defaults.Analysis ?? new AnalysisSpec();

        if (string.IsNullOrWhiteSpace(release.Name))
            errors.Add("metadata.name: required");

        var deployedAt = DateTimeOffset.MinValue;
        if (spec.DeployedAt is { } d)
        {
            if (!Rfc3339.TryParse(d, out deployedAt))
                errors.Add($"spec.deployedAt: '{d}' is not an RFC 3339 time (e.g. 2026-11-23T14:00:00Z)");
            else if (deployedAt < EarliestDeploy || deployedAt >= LatestDeploy)
            {
                errors.Add($"spec.deployedAt: '{d}' is out of range (after {EarliestDeploy.Year} and before {LatestDeploy.Year})");
                deployedAt = EarliestDeploy;
            }
        }
        else if (release.Created is { } created)
            deployedAt = created;
        else
            errors.Add("spec.deployedAt: required when the Release has no creationTimestamp (set it, or apply the Release to a cluster)");

        var selector = Matchers(spec.Selector, "spec.selector", errors, required: true);
        var baselineSelector = spec.Baseline?.Selector is { Count: > 0 }
            ? Matchers(spec.Baseline.Selector, "spec.baseline.selector", errors, required: true)
            : null;
        var controlSelector = spec.Control is not null ? Matchers(spec.Control.Selector, "spec.control.selector", errors, required: true) : null;
        var confinement = Confinement(release.Namespace, defaults, errors);
        selector = Confined(selector, confinement, release.Namespace, "spec.selector", errors);
        baselineSelector = Confined(baselineSelector, confinement, release.Namespace, "spec.baseline.selector", errors);
        controlSelector = Confined(controlSelector, confinement, release.Namespace, "spec.control.selector", errors);
        var mode = baselineSelector is null ? BaselineMode.BeforeDeploy : BaselineMode.Concurrent;
        if (baselineSelector is not null && selector is not null && baselineSelector.SequenceEqual(selector))
            errors.Add("spec.baseline.selector: selects the same series as spec.selector; a concurrent baseline must be another population");

        var window = Duration(analysis.Window ?? global.Window, "spec.analysis.window", DefaultWindow, errors);
        var interval = Duration(analysis.Interval ?? global.Interval, "spec.analysis.interval", DefaultInterval, errors);
        var warmup = Duration(analysis.Warmup ?? global.Warmup, "spec.analysis.warmup", DefaultWarmup, errors, allowZero: true);
        var baselineWindow = Duration(spec.Baseline?.Window ?? defaults.BaselineWindow, "spec.baseline.window", DefaultBaselineWindow, errors);
        var defaultStep =
            interval <= TimeSpan.FromMinutes(1) || interval.Ticks % TimeSpan.FromMinutes(1).Ticks != 0 ? interval : TimeSpan.FromMinutes(1);
        var step = Duration(analysis.Step ?? global.Step, "spec.analysis.step", defaultStep, errors);

        if (step > TimeSpan.Zero && interval > TimeSpan.Zero)
        {
            if (interval.Ticks % step.Ticks != 0)
                errors.Add($"spec.analysis.step: {GoDuration.Format(step)} must divide the interval ({GoDuration.Format(interval)})");
            if (step < TimeSpan.FromSeconds(1))
                errors.Add("spec.analysis.step: must be at least 1s");
            if (warmup.Ticks % step.Ticks != 0)
                warmup = TimeSpan.FromTicks((warmup.Ticks / step.Ticks + 1) * step.Ticks);
            if (baselineWindow.Ticks % step.Ticks != 0)
                baselineWindow = TimeSpan.FromTicks((baselineWindow.Ticks / step.Ticks + 1) * step.Ticks);
            if ((window + baselineWindow) / step > MaxPointsPerQuery)
                errors.Add(
                    $"spec.analysis.step: {GoDuration.Format(step)} over {GoDuration.Format(window + baselineWindow)} exceeds Prometheus' "
                        + $"{MaxPointsPerQuery} points per query; use a larger step"
                );
        }
        if (window > TimeSpan.Zero && warmup >= window)
            errors.Add($"spec.analysis.warmup: {GoDuration.Format(warmup)} leaves nothing of the {GoDuration.Format(window)} window to analyse");
        if (interval > window && window > TimeSpan.Zero)
            errors.Add($"spec.analysis.interval: {GoDuration.Format(interval)} is longer than the window ({GoDuration.Format(window)})");

        var policy = Policy(analysis, global, spec.CustomMetrics, errors) with
        {
            Slo = Slo(spec.Slo ?? defaults.Slo, errors),
            RecentSteps = RecentSteps(analysis.RecentWindow ?? global.RecentWindow, step, errors),
            Analyses = interval > TimeSpan.Zero && window > warmup ? Math.Max(1, (int)Math.Ceiling((window - warmup) / interval)) : 1,
        };
        if (errors.Count == 0)
            StepBudget(mode, window, warmup, baselineWindow, step, policy, errors);
        var metrics = Names(spec.Metrics, defaults.Metrics, errors);
        var custom = CustomQueries(spec.CustomMetrics, errors, confinement);

        // By name only: Enum.TryParse would also take "1" for Annotate.
        var rollback = spec.Rollback is { } word && RollbackWords.Contains(word) ? Enum.Parse<RollbackMode>(word) : RollbackMode.None;
        if (spec.Rollback is { } given && !RollbackWords.Contains(given))
            errors.Add($"spec.rollback: '{given}' is not one of {string.Join(", ", RollbackWords)}");
        if (rollback != RollbackMode.None && string.IsNullOrWhiteSpace(spec.Target?.Name))
            errors.Add($"spec.target.name: required when spec.rollback is {rollback}");
        if (spec.Target is { } target)
        {
            if (string.IsNullOrWhiteSpace(target.Name))
                errors.Add("spec.target.name: required");
            if (target.Kind is { } kind && kind != "Deployment")
                errors.Add($"spec.target.kind: '{kind}' is not supported (only Deployment)");
        }

        if (errors.Count > 0 || selector is null || metrics is null)
            return new PlanResult(null, [.. errors]);
        var key = release.Key;
        return new PlanResult(
            new ReleasePlan(
                key,
                spec.Version,
                spec.Commit,
                deployedAt,
                selector,
                mode,
                baselineSelector,
                mode == BaselineMode.BeforeDeploy ? controlSelector : null,
                window,
                interval,
                step,
                warmup,
                baselineWindow,
                metrics,
                custom,
                policy,
                rollback
            ),
            []
        );
    }

    /// <summary>
    /// Refuses timings that can never give a verdict: latency (and a custom metric) is judged on at least minSteps steps of
    /// the baseline and of the release window, so a spec with fewer can never be OK, and hides a latency regression behind
    /// "not enough data" until its window ends. The message gives both ways out.
    /// </summary>
    private static void StepBudget(
        BaselineMode mode,
        TimeSpan window,
        TimeSpan warmup,
        TimeSpan baselineWindow,
        TimeSpan step,
        AnalysisPolicy policy,
        List<string> errors
    )
    {
        if (step <= TimeSpan.Zero || window <= warmup)
            return;
        var needs = policy.MinSteps;
        var stepWise =
            policy.Weights.Latency > 0 ? "latency"
            : policy.Custom.Any(c => c.Weight > 0 && !c.Optional) ? "a custom metric"
            : null;
        if (stepWise is null)
            return;
        var releaseSpan = window - warmup;
        var releaseSteps = (int)Math.Floor(releaseSpan / step);
        if (releaseSteps < needs)
            errors.Add(
                $"spec.analysis.window: {GoDuration.Format(window)} after a {GoDuration.Format(warmup)} warm-up / step {GoDuration.Format(step)} = "
                    + $"{releaseSteps} steps; {stepWise} needs {needs} (spec.analysis.minSteps): use analysis.window ≥ "
                    + $"{GoDuration.Format(warmup + step * needs)} or step ≤ {GoDuration.Format(releaseSpan / needs)}"
            );
        if (mode != BaselineMode.BeforeDeploy)
            return;
        var baselineSteps = (int)Math.Floor(baselineWindow / step);
        if (baselineSteps < needs)
            errors.Add(
                $"spec.baseline.window: {GoDuration.Format(baselineWindow)} / step {GoDuration.Format(step)} = {baselineSteps} steps; {stepWise} "
                    + $"needs {needs} (spec.analysis.minSteps): use baseline.window ≥ {GoDuration.Format(step * needs)} or step ≤ "
                    + $"{GoDuration.Format(baselineWindow / needs)}"
            );
    }

    private static ImmutableSortedDictionary<string, string>? Matchers(
        Dictionary<string, string>? map,
        string path,
        List<string> errors,
        bool required
    )
    {
        if (map is null || map.Count == 0)
        {
            if (required)
                errors.Add($"{path}: required, with at least one label (e.g. service: checkout)");
            return null;
        }
        var ok = true;
        foreach (var (name, value) in map)
        {
            if (!LabelName().IsMatch(name))
            {
                errors.Add($"{path}: '{name}' is not a valid Prometheus label name");
                ok = false;
            }
            if (string.IsNullOrEmpty(value))
            {
                errors.Add($"{path}.{name}: empty value (an empty matcher selects series without the label)");
                ok = false;
            }
        }
        return ok ? map.ToImmutableSortedDictionary(StringComparer.Ordinal) : null;
    }

    private static TimeSpan Duration(string? text, string path, TimeSpan fallback, List<string> errors, bool allowZero = false)
    {
        if (text is null)
            return fallback;
        if (!GoDuration.TryParse(text, out var value))
        {
            errors.Add($"{path}: '{text}' is not a duration (use e.g. 30s, 5m, 1h30m)");
            return fallback;
        }
        if (value == TimeSpan.Zero && !allowZero)
            errors.Add($"{path}: must be greater than zero");
        if (value > MaxDuration)
        {
            errors.Add($"{path}: '{text}' is longer than {GoDuration.Format(MaxDuration)}, the longest window Release Radar analyses");
            return fallback;
        }
        return value;
    }

    private static AnalysisPolicy Policy(AnalysisSpec a, AnalysisSpec g, List<CustomMetricSpec>? customs, List<string> errors)
    {
        var d = AnalysisPolicy.Default;
        var t = a.Thresholds;
        var gt = g.Thresholds;
        var policy = d with
        {
            ErrorRate = Threshold(t?.ErrorRate, gt?.ErrorRate, d.ErrorRate, "errorRate", errors),
            ServerErrorRate = Threshold(t?.ServerErrorRate, gt?.ServerErrorRate, d.ServerErrorRate, "serverErrorRate", errors),
            LatencyP95 = Threshold(t?.LatencyP95, gt?.LatencyP95, d.LatencyP95, "latencyP95", errors),
            LatencyP99 = Threshold(t?.LatencyP99, gt?.LatencyP99, d.LatencyP99, "latencyP99", errors),
            Traffic = Threshold(t?.Traffic, gt?.Traffic, d.Traffic, "traffic", errors),
            Weights = new ScoreWeights(
                a.Weights?.Errors ?? g.Weights?.Errors ?? d.Weights.Errors,
                a.Weights?.ServerErrors ?? g.Weights?.ServerErrors ?? d.Weights.ServerErrors,
                a.Weights?.Latency ?? g.Weights?.Latency ?? d.Weights.Latency,
                a.Weights?.Traffic ?? g.Weights?.Traffic ?? d.Weights.Traffic
            ),
            MinRequests = a.MinRequests ?? g.MinRequests ?? d.MinRequests,
            MinSteps = a.MinSteps ?? g.MinSteps ?? d.MinSteps,
            MinCoverage = a.MinCoverage ?? g.MinCoverage ?? d.MinCoverage,
            Power = a.Power ?? g.Power ?? d.Power,
            RiskyScore = a.RiskyScore ?? g.RiskyScore ?? d.RiskyScore,
            ConsecutiveIntervals = a.ConsecutiveIntervals ?? g.ConsecutiveIntervals ?? d.ConsecutiveIntervals,
            Custom = customs is not { Count: > 0 }
                ? []
                :
                [
                    .. customs
                        .Where(c => c.Name is not null)
                        .Select(c => new CustomCheckPolicy(
                            c.Name!,
                            new Thresholds(c.MinRatio ?? 1.5, c.MinIncrease ?? 0, c.Alpha ?? 0.01, c.Critical ?? false),
                            c.Weight ?? 10,
                            c.Direction == "DecreaseIsBad" ? Direction.DecreaseIsBad : Direction.IncreaseIsBad,
                            c.Optional ?? false
                        )),
                ],
        };

        // Every range check is written so that NaN fails it: NaN compares false with everything, and a NaN weight or
        // threshold would otherwise pass validation and silently turn a risky release into OK.
        if (
            !new[] { policy.Weights.Errors, policy.Weights.ServerErrors, policy.Weights.Latency, policy.Weights.Traffic }.All(w =>
                w >= 0 && double.IsFinite(w)
            )
        )
            errors.Add("spec.analysis.weights: weights must be finite numbers, not negative (NaN and Infinity are refused)");
        if (!(policy.MinRequests >= 1 && double.IsFinite(policy.MinRequests)))
            errors.Add("spec.analysis.minRequests: must be a finite number of at least 1");
        if (policy.MinSteps < 2)
            errors.Add("spec.analysis.minSteps: must be at least 2");
        if (!(policy.MinCoverage >= 0 && policy.MinCoverage <= 1))
            errors.Add("spec.analysis.minCoverage: must be between 0 and 1");
        if (!(policy.Power >= 0.5 && policy.Power < 1))
            errors.Add("spec.analysis.power: must be in [0.5, 1)");
        if (!(policy.RiskyScore > 0 && policy.RiskyScore <= 100))
            errors.Add("spec.analysis.riskyScore: must be in (0, 100]");
        if (policy.ConsecutiveIntervals < 1)
            errors.Add("spec.analysis.consecutiveIntervals: must be at least 1");
        return policy;
    }

    private static SloPolicy? Slo(SloSpec? slo, List<string> errors)
    {
        if (slo is null)
            return null;
        if (slo.Objective is not { } objective)
        {
            errors.Add("spec.slo.objective: required, as a percentage such as 99.9");
            return null;
        }
        var ok = true;
        if (!(objective > 0 && objective < 100))
        {
            errors.Add(
                $"spec.slo.objective: {objective.ToString(CultureInfo.InvariantCulture)} must be a percentage above 0 and below 100, such as 99.9"
            );
            ok = false;
        }
        var increase = slo.MaxBurnRateIncrease ?? 1.0;
        if (!(increase > 0 && increase <= 1000)) // NaN fails this too
        {
            errors.Add("spec.slo.maxBurnRateIncrease: must be above 0 (1 = the release may add the whole sustainable burn rate)");
            ok = false;
        }
        return ok ? new SloPolicy(objective / 100, increase) : null;
    }

    private static int RecentSteps(string? text, TimeSpan step, List<string> errors)
    {
        if (text is null)
            return AnalysisPolicy.Default.RecentSteps;
        var recent = Duration(text, "spec.analysis.recentWindow", TimeSpan.Zero, errors, allowZero: true);
        return step > TimeSpan.Zero ? (int)Math.Ceiling(recent / step) : 0;
    }

    private static Thresholds Threshold(ThresholdSpec? own, ThresholdSpec? global, Thresholds d, string name, List<string> errors)
    {
        var t = new Thresholds(
            own?.MinRatio ?? global?.MinRatio ?? d.MinRatio,
            own?.MinIncrease ?? global?.MinIncrease ?? d.MinIncrease,
            own?.Alpha ?? global?.Alpha ?? d.Alpha,
            own?.Critical ?? global?.Critical ?? d.Critical
        );
        var path = $"spec.analysis.thresholds.{name}";
        if (!(t.MinRatio >= 1 && double.IsFinite(t.MinRatio)))
            errors.Add($"{path}.minRatio: must be a finite number of at least 1 (got {t.MinRatio.ToString(CultureInfo.InvariantCulture)})");
        if (!(t.MinIncrease >= 0 && double.IsFinite(t.MinIncrease)))
            errors.Add($"{path}.minIncrease: must be a finite number, not negative");
        if (!(t.Alpha > 0 && t.Alpha < 1))
            errors.Add($"{path}.alpha: must be between 0 and 1 exclusive");
        return t;
    }

    private static MetricNames? Names(MetricsSpec? own, MetricsSpec? global, List<string> errors)
    {
        var requests = own?.Requests ?? global?.Requests ?? DefaultRequestsMetric;
        var label = own?.StatusLabel ?? global?.StatusLabel ?? DefaultStatusLabel;
        var histogram = own?.LatencyHistogram ?? global?.LatencyHistogram ?? DefaultLatencyHistogram;
        var ok = true;
        if (!MetricName().IsMatch(requests))
        {
            errors.Add($"spec.metrics.requests: '{requests}' is not a valid metric name");
            ok = false;
        }
        if (!MetricName().IsMatch(histogram))
        {
            errors.Add($"spec.metrics.latencyHistogram: '{histogram}' is not a valid metric name");
            ok = false;
        }
        if (!LabelName().IsMatch(label))
        {
            errors.Add($"spec.metrics.statusLabel: '{label}' is not a valid label name");
            ok = false;
        }
        var errorCodes = CodeRegex(own?.ErrorCodes ?? global?.ErrorCodes ?? DefaultErrorCodes, "spec.metrics.errorCodes", errors);
        var serverCodes = CodeRegex(
            own?.ServerErrorCodes ?? global?.ServerErrorCodes ?? DefaultServerErrorCodes,
            "spec.metrics.serverErrorCodes",
            errors
        );
        return ok && errorCodes is not null && serverCodes is not null ? new MetricNames(requests, label, errorCodes, serverCodes, histogram) : null;
    }

    // Every reconcile plans its Release again; the same few status-code patterns recur across a fleet, so each is built once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> CodePatterns = new(StringComparer.Ordinal);

    private static Regex? CodeRegex(string pattern, string path, List<string> errors)
    {
        if (CodePatterns.TryGetValue(pattern, out var known))
            return known;
        try
        {
            // Anchored like PromQL's =~ (\z: $ would also match before a trailing newline). The non-backtracking engine runs
            // in time linear in the input, as Prometheus' RE2 does, so a hostile pattern cannot hang the reconciler, and no
            // wall-clock timeout can fire on a CPU-starved pod. It refuses what RE2 refuses too (backreferences, lookaround).
            var regex = new Regex("^(?:" + pattern + ")\\z", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            if (CodePatterns.Count < 256)
                CodePatterns[pattern] = regex;
            return regex;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            errors.Add($"{path}: '{pattern}' is not a valid regular expression ({e.Message})");
            return null;
        }
    }

    /// <summary>The matchers the operator confines this namespace's queries to (null: no confinement configured).</summary>
    private static ImmutableSortedDictionary<string, string>? Confinement(string? ns, AnalysisDefaults defaults, List<string> errors)
    {
        if (defaults.QueryConfinement is not { } map)
            return null;
        ns ??= "default";
        if (!map.TryGetValue(ns, out var matchers) && !map.TryGetValue("*", out matchers))
        {
            errors.Add($"metadata.namespace: the operator confines queries per namespace, and '{ns}' has no entry (nor does \"*\")");
            return ImmutableSortedDictionary<string, string>.Empty;
        }
        return matchers.ToImmutableSortedDictionary(
            kv => kv.Key,
            kv => kv.Value.Replace("{namespace}", ns, StringComparison.Ordinal),
            StringComparer.Ordinal
        );
    }

    /// <summary>
    /// The selector with the confinement's matchers; a selector that names a confined label with another value asks for
    /// series its namespace may not read, and is an error that says so.
    /// </summary>
    private static ImmutableSortedDictionary<string, string>? Confined(
        ImmutableSortedDictionary<string, string>? selector,
        ImmutableSortedDictionary<string, string>? confinement,
        string? ns,
        string path,
        List<string> errors
    )
    {
        if (selector is null || confinement is null)
            return selector;
        foreach (var (label, value) in confinement)
            if (selector.TryGetValue(label, out var asked) && asked != value)
                errors.Add(
                    $"{path}.{label}: '{asked}' is outside what Releases in namespace '{ns ?? "default"}' may read ({label}=\"{value}\", "
                        + "the operator's query confinement)"
                );
        return selector.SetItems(confinement);
    }

    private static ImmutableArray<CustomQuery> CustomQueries(
        List<CustomMetricSpec>? customs,
        List<string> errors,
        ImmutableSortedDictionary<string, string>? confinement
    )
    {
        var result = ImmutableArray.CreateBuilder<CustomQuery>();
        var seen = new HashSet<string>();
        for (var i = 0; i < (customs?.Count ?? 0); i++)
        {
            var c = customs![i];
            var path = $"spec.customMetrics[{i}]";
            if (string.IsNullOrWhiteSpace(c.Name) || !LabelName().IsMatch(c.Name))
                errors.Add($"{path}.name: required, letters, digits and underscores");
            else if (!seen.Add(c.Name))
                errors.Add($"{path}.name: '{c.Name}' is used twice");
            if (string.IsNullOrWhiteSpace(c.Query))
                errors.Add($"{path}.query: required");
            else if (!c.Query.Contains("{{selector}}", StringComparison.Ordinal))
                errors.Add($"{path}.query: must contain {{{{selector}}}} so it selects the release's series (and the baseline's, and the control's)");
            if (c.Direction is { } dir && dir is not ("IncreaseIsBad" or "DecreaseIsBad"))
                errors.Add($"{path}.direction: '{dir}' is not IncreaseIsBad or DecreaseIsBad");
            if (c.Weight is { } w && !(w >= 0 && double.IsFinite(w)))
                errors.Add($"{path}.weight: must be a finite number, not negative");
            if (c.MinRatio is { } r && !(r >= 1 && double.IsFinite(r)))
                errors.Add($"{path}.minRatio: must be a finite number of at least 1");
            if (c.MinIncrease is { } inc && !(inc >= 0 && double.IsFinite(inc)))
                errors.Add($"{path}.minIncrease: must be a finite number, not negative");
            if (c.Alpha is { } a && !(a > 0 && a < 1))
                errors.Add($"{path}.alpha: must be between 0 and 1 exclusive");
            if (c.Name is null || c.Query is null)
                continue;
            try
            {
                // Every selector of the query, not only {{selector}}: a query may name any series, and confined it reads only its own.
                result.Add(new CustomQuery(c.Name, confinement is null ? c.Query : QueryConfinement.Apply(c.Query, confinement)));
            }
            catch (FormatException e)
            {
                errors.Add($"{path}.query: cannot be confined to what the namespace may read: {e.Message}");
            }
        }
        return result.ToImmutable();
    }
}
