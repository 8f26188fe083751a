using System.Collections.Immutable;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Api;

/// <summary>
/// The one mapper between the typed release state and the CRD's status as it is stored: the verdicts in the user's own
/// Spanish (from <see cref="Vocabulary"/>), the phase, condition, action and result names, RFC 3339 times and Go
/// durations. Everything else reads and writes the status through it, so a word can change here without a search
/// through the code base. Unknown words read as null rather than failing: the object may come from a newer operator.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Naming",
    "CA1708:Identifiers should differ by more than case",
    Justification = "False positive: the analyzer reads C# 14 extension blocks as members whose names differ only by case"
)]
public static class StatusWire
{
    /// <summary>The CRD's enum of verdict words (status.verdict): checked against the CRD file by a test.</summary>
    public static ImmutableArray<string> VerdictWords => Vocabulary.VerdictWords;

    /// <summary>The CRD's enum of phases (status.phase).</summary>
    public static ImmutableArray<string> PhaseWords { get; } = [.. Enum.GetValues<ReleasePhase>().Select(Word)];

    public static string Word(Verdict verdict) => Vocabulary.Word(verdict);

    public static string? Word(Verdict? verdict) => Vocabulary.Word(verdict);

    public static Verdict? ParseVerdict(string? word) => Vocabulary.ParseVerdict(word);

    public static string Word(ReleasePhase phase) => phase.ToString();

    public static ReleasePhase? ParsePhase(string? word) => Parse<ReleasePhase>(word);

    public static string Word(ReleaseAction action) => action.ToString();

    public static string Word(ActionResult result) => result.ToString();

    public static string Word(Assessment assessment) => assessment.ToString();

    public static string Word(ConditionType type) => type.ToString();

    public static string Word(bool? holds) =>
        holds switch
        {
            true => "True",
            false => "False",
            null => "Unknown",
        };

    /// <summary>The Kubernetes Event reason for a verdict change (CamelCase, as Event reasons are): stable on the wire.</summary>
    public static string EventReason(Verdict verdict) =>
        verdict switch
        {
            Verdict.Ok => "VerdictOk",
            Verdict.Risky => "VerdictRiesgoso",
            _ => "VerdictInsufficientData",
        };

    /// <summary>The Kubernetes Event reason when the target moves on to another rollout.</summary>
    public const string SupersededReason = "Superseded";

    /// <summary>The Kubernetes Event reason for an action on the target: stable on the wire.</summary>
    public static string EventReason(ReleaseAction action, ActionResult result) =>
        (action, result) switch
        {
            (ReleaseAction.Undo, ActionResult.Succeeded) => "RolledBack",
            (ReleaseAction.Undo, ActionResult.Skipped) => "RollbackSkipped",
            (ReleaseAction.Undo, _) => "RollbackFailed",
            (_, ActionResult.Failed) => "AnnotateFailed",
            _ => "Annotated",
        };

    /// <summary>The verdict or, without one, why not: the word evidence reports, the API and the gate classify a release by.</summary>
    public static string Classification(Verdict? verdict, ReleasePhase? phase) => Vocabulary.Classification(verdict, phase);

    /// <summary>Same as <see cref="Classification(Verdict?, ReleasePhase?)"/>, for a status read from the cluster.</summary>
    public static string Classification(ReleaseStatus? status) => Classification(status.VerdictValue, status.PhaseValue);

    public static string? ParseClassification(string? word) => Vocabulary.ParseClassification(word);

    /// <summary>The typed state a stored status stands for (an empty one for none).</summary>
    public static ReleaseState ToState(ReleaseStatus? status)
    {
        if (status is null)
            return ReleaseState.Empty;
        return new ReleaseState
        {
            Phase = ParsePhase(status.Phase),
            Verdict = ParseVerdict(status.Verdict),
            RiskScore = status.RiskScore,
            Reasons = [.. status.Reasons ?? []],
            Current = Values(status.Current),
            Baseline = Values(status.Baseline),
            Control = status.Control is { } c
                ? new ControlWindows(Values(c.Current) ?? WindowValues.None, Values(c.Baseline) ?? WindowValues.None)
                : null,
            Metrics = [.. (status.Metrics ?? []).Select(Judgement).OfType<MetricJudgement>()],
            Conditions = [.. (status.Conditions ?? []).Select(Condition).OfType<StatusCondition>()],
            History = [.. (status.History ?? []).Select(Point).OfType<TimelinePoint>()],
            ObservedGeneration = status.ObservedGeneration,
            DeployedAt = Time(status.DeployedAt),
            WindowEnd = Time(status.WindowEnd),
            LastAnalysis = Time(status.LastAnalysisTime),
            AnalysisWindow = Window(status.AnalysisWindow),
            BaselineWindow = Window(status.BaselineWindow),
            Actions = [.. (status.Actions ?? []).Select(Action).OfType<ActionTaken>()],
            TargetRevision = status.TargetRevision,
            Binding = Binding(status.Binding),
            BaselineSource = Parse<BaselineSource>(status.BaselineWindow?.Source),
            Predecessor = Link(status.Predecessor),
            Successor = Link(status.Successor),
            Sampling =
                status.Sampling is { QueryRange: { } range } s && GoDuration.TryParse(range, out var r)
                    ? new StepSampling(GoDuration.TryParse(s.ScrapeInterval, out var i) ? i : null, r)
                    : null,
        };
    }

    /// <summary>The status to store for a typed state.</summary>
    public static ReleaseStatus ToWire(ReleaseState state) =>
        new()
        {
            Phase = state.Phase is { } p ? Word(p) : null,
            Verdict = Word(state.Verdict),
            RiskScore = state.RiskScore,
            Reasons = state.Reasons.IsDefaultOrEmpty ? null : [.. state.Reasons],
            Current = Values(state.Current),
            Baseline = Values(state.Baseline),
            Control = state.Control is { } c ? new ControlValues { Current = Values(c.Current), Baseline = Values(c.Baseline) } : null,
            Metrics = state.Metrics.IsDefaultOrEmpty ? null : [.. state.Metrics.Select(Wire)],
            Conditions = state.Conditions.IsDefaultOrEmpty ? null : [.. state.Conditions.Select(Wire)],
            History = state.History.IsDefaultOrEmpty ? null : [.. state.History.Select(Wire)],
            ObservedGeneration = state.ObservedGeneration,
            DeployedAt = state.DeployedAt is { } deployed ? Rfc3339.Format(deployed) : null,
            WindowEnd = state.WindowEnd is { } end ? Rfc3339.Format(end) : null,
            LastAnalysisTime = state.LastAnalysis is { } t ? Rfc3339.Format(t) : null,
            AnalysisWindow = Wire(state.AnalysisWindow),
            BaselineWindow = Wire(state.BaselineWindow) is { } bw ? bw with { Source = state.BaselineSource?.ToString() } : null,
            Actions = state.Actions.IsDefaultOrEmpty ? null : [.. state.Actions.Select(Wire)],
            TargetRevision = state.TargetRevision,
            Binding = state.Binding is { } b
                ? new RevisionBindingStatus
                {
                    Revision = b.Revision,
                    PodTemplateHash = b.PodTemplateHash,
                    ReplicaSet = b.ReplicaSet,
                    DeployedAt = Rfc3339.Format(b.DeployedAt),
                    Source = b.Source.ToString(),
                    Note = b.Note,
                }
                : null,
            Predecessor = Wire(state.Predecessor),
            Successor = Wire(state.Successor),
            Sampling = state.Sampling is { } s
                ? new SampleSpacing
                {
                    ScrapeInterval = s.ScrapeInterval is { } i ? GoDuration.Format(i) : null,
                    QueryRange = GoDuration.Format(s.QueryRange),
                }
                : null,
        };

    public static HistoryEntry Wire(TimelinePoint p) =>
        new()
        {
            Time = Rfc3339.Format(p.At),
            Elapsed = p.Elapsed is { } e ? GoDuration.Format(e) : null,
            Verdict = Word(p.Verdict),
            Assessment = p.Assessment is { } a ? Word(a) : null,
            RiskScore = p.RiskScore,
            ErrorRate = p.ErrorRate,
            ServerErrorRate = p.ServerErrorRate,
            LatencyP95 = p.LatencyP95,
            LatencyP99 = p.LatencyP99,
            Throughput = p.Throughput,
            Onset = p.Onset is { } o ? GoDuration.Format(o) : null,
            Merged = p.Merged,
        };

    /// <summary>A stored history entry, or null when its time cannot be read (it cannot be placed on the timeline).</summary>
    public static TimelinePoint? Point(HistoryEntry h) =>
        Time(h.Time) is not { } at
            ? null
            : new TimelinePoint(
                at,
                GoDuration.TryParse(h.Elapsed, out var e) ? e : null,
                ParseVerdict(h.Verdict),
                Parse<Assessment>(h.Assessment),
                h.RiskScore,
                h.ErrorRate,
                h.ServerErrorRate,
                h.LatencyP95,
                h.LatencyP99,
                h.Throughput,
                SignedDuration(h.Onset),
                h.Merged
            );

    public static ActionRecord Wire(ActionTaken a) =>
        new()
        {
            Time = a.At is { } t ? Rfc3339.Format(t) : null,
            Action = Word(a.Action),
            Verdict = Word(a.Verdict),
            Target = a.Target,
            Result = Word(a.Result),
            Message = a.Message,
            ToRevision = a.ToRevision,
        };

    public static ActionTaken? Action(ActionRecord r) =>
        r.Kind is { } kind && r.Outcome is { } result
            ? new ActionTaken(Time(r.Time), kind, ParseVerdict(r.Verdict), r.Target, result, r.Message) { ToRevision = r.ToRevision }
            : null;

    private static ReleaseCondition Wire(StatusCondition c) =>
        new()
        {
            Type = Word(c.Type),
            Status = Word(c.Holds),
            Reason = c.Reason,
            Message = c.Message,
            LastTransitionTime = c.LastTransition is { } t ? Rfc3339.Format(t) : null,
            ObservedGeneration = c.ObservedGeneration,
        };

    private static StatusCondition? Condition(ReleaseCondition c) =>
        Parse<ConditionType>(c.Type) is { } type
            ? new StatusCondition(type, c.IsTrue, c.Reason, c.Message, Time(c.LastTransitionTime), c.ObservedGeneration)
            : null;

    private static MetricStatus Wire(MetricJudgement m) =>
        new()
        {
            Name = m.Name,
            Outcome = m.Outcome.ToString(),
            Current = m.Current,
            Baseline = m.Baseline,
            Expected = m.Expected,
            Ratio = m.Ratio,
            PValue = m.PValue,
            StatisticallySignificant = m.StatisticallySignificant,
            PracticallySignificant = m.PracticallySignificant,
            Critical = m.Critical,
            Severity = m.Severity,
            Scope = m.Scope == FindingScope.Recent ? "recent" : "window",
            Onset = m.Onset is { } o ? Rfc3339.Format(o) : null,
            Conclusive = m.Conclusive,
            Message = m.Message,
        };

    private static MetricJudgement? Judgement(MetricStatus m) =>
        m.Name is { } name && Parse<FindingOutcome>(m.Outcome) is { } outcome
            ? new MetricJudgement(
                name,
                outcome,
                m.Current,
                m.Baseline,
                m.Expected,
                m.Ratio,
                m.PValue,
                m.StatisticallySignificant ?? false,
                m.PracticallySignificant ?? false,
                m.Critical ?? false,
                m.Severity ?? 0,
                m.Scope == "recent" ? FindingScope.Recent : FindingScope.Window,
                Time(m.Onset),
                m.Conclusive,
                m.Message ?? ""
            )
            : null;

    private static MetricValues? Values(WindowValues? v) =>
        v is null
            ? null
            : new MetricValues
            {
                Requests = v.Requests,
                ErrorRate = v.ErrorRate,
                ServerErrorRate = v.ServerErrorRate,
                LatencyP50 = v.LatencyP50,
                LatencyP95 = v.LatencyP95,
                LatencyP99 = v.LatencyP99,
                Throughput = v.Throughput,
                Display = new DisplayValues
                {
                    ErrorRate = Shown(v.ErrorRate, MetricUnit.Ratio),
                    ServerErrorRate = Shown(v.ServerErrorRate, MetricUnit.Ratio),
                    LatencyP95 = Shown(v.LatencyP95, MetricUnit.Seconds),
                    LatencyP99 = Shown(v.LatencyP99, MetricUnit.Seconds),
                    Throughput = Shown(v.Throughput, MetricUnit.RequestsPerSecond),
                },
            };

    private static string? Shown(double? value, MetricUnit unit) => value is null ? null : ReasonText.Compact(value, unit);

    private static WindowValues? Values(MetricValues? v) =>
        v is null ? null : new WindowValues(v.Requests, v.ErrorRate, v.ServerErrorRate, v.LatencyP50, v.LatencyP95, v.LatencyP99, v.Throughput);

    private static ReleaseLinkStatus? Wire(ReleaseLink? link) =>
        link is null
            ? null
            : new ReleaseLinkStatus
            {
                Name = link.Name,
                Version = link.Version,
                Verdict = Word(link.Verdict),
            };

    private static ReleaseLink? Link(ReleaseLinkStatus? link) =>
        link?.Name is { } name ? new ReleaseLink(name, link.Version, ParseVerdict(link.Verdict)) : null;

    /// <summary>A word of the status as one of <typeparamref name="T"/>'s members; null for one we do not know (a newer operator's).</summary>
    private static T? Parse<T>(string? word)
        where T : struct, Enum => Enum.TryParse<T>(word, ignoreCase: false, out var value) && Enum.IsDefined(value) ? value : null;

    private static RevisionBinding? Binding(RevisionBindingStatus? b) =>
        b is not null && Time(b.DeployedAt) is { } at && Parse<BindingSource>(b.Source) is { } source
            ? new RevisionBinding(b.Revision, b.PodTemplateHash, b.ReplicaSet, at, source, b.Note)
            : null;

    private static TimeRange? Wire(TimeWindow? w) =>
        w is null ? null : new TimeRange { Start = Rfc3339.Format(w.Start), End = Rfc3339.Format(w.End) };

    private static TimeWindow? Window(TimeRange? r) => Time(r?.Start) is { } start && Time(r?.End) is { } end ? new TimeWindow(start, end) : null;

    private static DateTimeOffset? Time(string? text) => Rfc3339.TryParse(text, out var t) ? t : null;

    /// <summary>A Go duration that may be negative ("-5m": an onset before the deploy).</summary>
    private static TimeSpan? SignedDuration(string? text) =>
        text is ['-', .. var rest] ? (GoDuration.TryParse(rest, out var n) ? -n : null)
        : GoDuration.TryParse(text, out var d) ? d
        : null;

    /// <summary>
    /// Typed reads of a status as stored, for the readers at the edge (the API, the CLI's output, the evidence).
    /// </summary>
    extension(ReleaseStatus? status)
    {
        public Verdict? VerdictValue => ParseVerdict(status?.Verdict);
        public ReleasePhase? PhaseValue => ParsePhase(status?.Phase);
        public bool IsRisky => status.VerdictValue == Verdict.Risky;
    }

    extension(ReleaseRadar.Analysis.AnalysisOutcome outcome)
    {
        /// <summary>The outcome's state as the status stores it.</summary>
        public ReleaseStatus Status => ToWire(outcome.State);
    }

    extension(HistoryEntry entry)
    {
        public Verdict? VerdictValue => ParseVerdict(entry.Verdict);
        public DateTimeOffset? At => Rfc3339.TryParse(entry.Time, out var t) ? t : null;
    }

    extension(ActionRecord record)
    {
        public ReleaseAction? Kind => Parse<ReleaseAction>(record.Action);
        public ActionResult? Outcome => Parse<ActionResult>(record.Result);
    }

    extension(ReleaseCondition? condition)
    {
        /// <summary>True or False as stored; null when the condition is missing or Unknown.</summary>
        public bool? IsTrue =>
            condition?.Status switch
            {
                "True" => true,
                "False" => false,
                _ => null,
            };
    }
}
