using System.Collections.Immutable;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Core.Status;

/// <summary>
/// The one place that knows the words the Release status is written in: the verdicts in the user's own Spanish
/// (RIESGOSO, DATOS_INSUFICIENTES), the PENDIENTE and INVALIDO classifications, the phase, action and result names,
/// and condition statuses. Everything else reads and writes the status through the typed members below, so a word
/// can change here without a search through the code base. The CRD's wire format is unchanged by this: these are the
/// words it always had.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Naming",
    "CA1708:Identifiers should differ by more than case",
    Justification = "False positive: the analyzer reads C# 14 extension blocks as members whose names differ only by case"
)]
public static class StatusWire
{
    private const string OkWord = "OK";
    private const string RiskyWord = "RIESGOSO";
    private const string InsufficientWord = "DATOS_INSUFICIENTES";
    private const string PendingWord = "PENDIENTE";
    private const string InvalidWord = "INVALIDO";

    /// <summary>The three verdict words, in the order dashboards list them.</summary>
    public static ImmutableArray<string> VerdictWords { get; } = [OkWord, RiskyWord, InsufficientWord];

    /// <summary>Every word a release can be classified by (a verdict, or why there is none), with what it means in English.</summary>
    public static ImmutableArray<(string Word, string Meaning, string Kind)> Vocabulary { get; } =
    [
        (OkWord, "no regression against the baseline", "ok"),
        (RiskyWord, "risky: a regression against the baseline", "risky"),
        (InsufficientWord, "not enough data to judge", "insufficient"),
        (PendingWord, "pending: not analysed yet", "pending"),
        (InvalidWord, "invalid: the Release's spec cannot be analysed", "invalid"),
    ];

    public static string Word(Verdict verdict) =>
        verdict switch
        {
            Verdict.Ok => OkWord,
            Verdict.Riesgoso => RiskyWord,
            _ => InsufficientWord,
        };

    public static string? Word(Verdict? verdict) => verdict is { } v ? Word(v) : null;

    public static Verdict? ParseVerdict(string? word) =>
        word switch
        {
            OkWord => Verdict.Ok,
            RiskyWord => Verdict.Riesgoso,
            InsufficientWord => Verdict.InsufficientData,
            _ => null,
        };

    /// <summary>The verdict or, without one, why not: the word evidence reports, the API and the gate classify a release by.</summary>
    public static string Classification(Verdict? verdict, ReleasePhase? phase) =>
        verdict is { } v ? Word(v)
        : phase == ReleasePhase.Invalid ? InvalidWord
        : PendingWord;

    /// <summary>Same as <see cref="Classification(Verdict?, ReleasePhase?)"/>, for a status read from the cluster.</summary>
    public static string Classification(ReleaseStatus? status) => Classification(status.VerdictValue, status.PhaseValue);

    /// <summary>Accepts a classification word in any case (from a query string); null when it is none of them.</summary>
    public static string? ParseClassification(string? word) =>
        Vocabulary.Select(v => v.Word).FirstOrDefault(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase));

    public static string Word(ReleasePhase phase) => phase.ToString();

    public static ReleasePhase? ParsePhase(string? word) => Enum.TryParse<ReleasePhase>(word, ignoreCase: false, out var p) ? p : null;

    public static string Word(ReleaseAction action) => action.ToString();

    public static string Word(ActionResult result) => result.ToString();

    public static string Word(Assessment assessment) => assessment.ToString();

    public static string Word(bool conditionStatus) => conditionStatus ? "True" : "False";

    /// <summary>The Kubernetes Event reason for a verdict change, e.g. VerdictRiesgoso (CamelCase, as Event reasons are).</summary>
    public static string EventReason(Verdict verdict) => "Verdict" + verdict;

    /// <summary>The sentence a reader sees for why the verdict is what it is.</summary>
    public static string Explain(VerdictDecision d) =>
        d.Basis switch
        {
            DecisionBasis.Critical => $"A critical metric regressed: {RiskyWord} without waiting for confirmation",
            DecisionBasis.Final => "Final analysis over the whole window",
            DecisionBasis.Unchanged => "Unchanged since the previous analysis",
            DecisionBasis.FirstConclusion => "First analysis with a conclusion",
            DecisionBasis.EnoughData => "Enough data to conclude",
            DecisionBasis.Confirmed => $"Same conclusion in {d.Streak} consecutive analyses",
            _ => $"{Word(d.Proposed)} seen in {d.Streak} of {d.Needed} consecutive analyses needed to change the verdict",
        };

    /// <summary>
    /// Typed reads of the status as stored. Unknown words read as null rather than failing: the object may come from a newer operator.
    /// </summary>
    extension(ReleaseStatus? status)
    {
        public Verdict? VerdictValue => ParseVerdict(status?.Verdict);
        public ReleasePhase? PhaseValue => ParsePhase(status?.Phase);
        public bool IsRisky => status.VerdictValue == Verdict.Riesgoso;
    }

    extension(HistoryEntry entry)
    {
        public Verdict? VerdictValue => ParseVerdict(entry.Verdict);
        public Assessment? AssessmentValue => Enum.TryParse<Assessment>(entry.Assessment, out var a) ? a : null;
        public DateTimeOffset? At => Rfc3339.TryParse(entry.Time, out var t) ? t : null;
    }

    extension(ActionRecord record)
    {
        public ReleaseAction? Kind => Enum.TryParse<ReleaseAction>(record.Action, out var a) ? a : null;
        public ActionResult? Outcome => Enum.TryParse<ActionResult>(record.Result, out var r) ? r : null;
        public Verdict? AnsweredVerdict => ParseVerdict(record.Verdict);
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
