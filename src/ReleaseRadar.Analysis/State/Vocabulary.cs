using System.Collections.Immutable;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Analysis.State;

/// <summary>
/// The words a release is classified by, in the founders' own Spanish where they chose it (RIESGOSO, DATOS_INSUFICIENTES,
/// PENDIENTE, INVALIDO), with what each means in English: the one place they are written. The wire mapper (StatusWire)
/// puts them in the status; the sentences a reader sees say them the same way.
/// </summary>
public static class Vocabulary
{
    private const string OkWord = "OK";
    private const string RiskyWord = "RIESGOSO";
    private const string InsufficientWord = "DATOS_INSUFICIENTES";
    private const string PendingWord = "PENDIENTE";
    private const string InvalidWord = "INVALIDO";

    /// <summary>The three verdict words, in the order dashboards list them.</summary>
    public static ImmutableArray<string> VerdictWords { get; } = [OkWord, RiskyWord, InsufficientWord];

    /// <summary>Every word a release can be classified by (a verdict, or why there is none), with what it means in English.</summary>
    public static ImmutableArray<(string Word, string Meaning, string Kind)> Words { get; } =
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
            Verdict.Risky => RiskyWord,
            _ => InsufficientWord,
        };

    public static string? Word(Verdict? verdict) => verdict is { } v ? Word(v) : null;

    public static Verdict? ParseVerdict(string? word) =>
        word switch
        {
            OkWord => Verdict.Ok,
            RiskyWord => Verdict.Risky,
            InsufficientWord => Verdict.InsufficientData,
            _ => null,
        };

    /// <summary>The verdict or, without one, why not: the word evidence reports, the API and the gate classify a release by.</summary>
    public static string Classification(Verdict? verdict, ReleasePhase? phase) =>
        verdict is { } v ? Word(v)
        : phase == ReleasePhase.Invalid ? InvalidWord
        : PendingWord;

    /// <summary>Accepts a classification word in any case (from a query string); null when it is none of them.</summary>
    public static string? ParseClassification(string? word) =>
        Words.Select(v => v.Word).FirstOrDefault(w => string.Equals(w, word, StringComparison.OrdinalIgnoreCase));

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
}
