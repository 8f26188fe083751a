using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;

namespace ReleaseRadar.UnitTests.Core;

/// <summary>The mapper is the one place that knows the wire words; these tests pin them, since the CRD and its users depend on them.</summary>
public sealed class StatusWireTests
{
    [Fact]
    public void The_verdict_words_are_the_users_own_and_read_back()
    {
        Assert.Equal(["OK", "RIESGOSO", "DATOS_INSUFICIENTES"], StatusWire.VerdictWords);
        foreach (var v in Enum.GetValues<Verdict>())
            Assert.Equal(v, StatusWire.ParseVerdict(StatusWire.Word(v)));
        Assert.Equal(Verdict.Risky, StatusWire.ParseVerdict("RIESGOSO"));
        Assert.Null(StatusWire.ParseVerdict("riesgoso")); // the wire is case-sensitive, as kubectl's jsonpath comparisons are
        Assert.Null(StatusWire.ParseVerdict("RISKY"));
        Assert.Null(StatusWire.ParseVerdict(null));
    }

    [Fact]
    public void A_release_without_a_verdict_is_classified_pending_or_invalid()
    {
        Assert.Equal("PENDIENTE", StatusWire.Classification(null, null));
        Assert.Equal("PENDIENTE", StatusWire.Classification(null, ReleasePhase.WarmingUp));
        Assert.Equal("INVALIDO", StatusWire.Classification(null, ReleasePhase.Invalid));
        Assert.Equal("RIESGOSO", StatusWire.Classification(Verdict.Risky, ReleasePhase.Invalid)); // a verdict already given stays visible
        Assert.Equal("INVALIDO", StatusWire.Classification(new ReleaseStatus { Phase = "Invalid" }));
        Assert.Equal("INVALIDO", StatusWire.ParseClassification("invalido"));
        Assert.Null(StatusWire.ParseClassification("maybe"));
        Assert.All(Vocabulary.Words, v => Assert.False(string.IsNullOrWhiteSpace(v.Meaning)));
    }

    [Fact]
    public void Phases_actions_and_history_read_as_typed_values()
    {
        foreach (var p in Enum.GetValues<ReleasePhase>())
            Assert.Equal(p, StatusWire.ParsePhase(StatusWire.Word(p)));
        Assert.Null(StatusWire.ParsePhase("Done"));
        var entry = new HistoryEntry
        {
            Time = "2026-11-23T14:10:00Z",
            Verdict = "DATOS_INSUFICIENTES",
            Assessment = "Critical",
        };
        var point = StatusWire.Point(entry)!;
        Assert.Equal(
            (DateTimeOffset.Parse("2026-11-23T14:10:00Z"), Verdict.InsufficientData, Assessment.Critical),
            (point.At, point.Verdict!.Value, point.Assessment!.Value)
        );
        Assert.Equal(entry, StatusWire.Wire(point));
        var action = new ActionRecord
        {
            Action = "Undo",
            Result = "Skipped",
            Verdict = "RIESGOSO",
        };
        var taken = StatusWire.Action(action)!;
        Assert.Equal((ReleaseAction.Undo, ActionResult.Skipped, Verdict.Risky), (taken.Action, taken.Result, taken.Verdict!.Value));
        Assert.Equal(action, StatusWire.Wire(taken));
        Assert.True(new ReleaseStatus { Verdict = "RIESGOSO" }.IsRisky);
        Assert.False(((ReleaseStatus?)null).IsRisky);
    }

    [Fact]
    public void The_decision_is_explained_in_the_users_words()
    {
        var waiting = new VerdictDecision(Verdict.Ok, DecisionBasis.AwaitingConfirmation, Verdict.Risky, 1, 2);
        Assert.Equal("RIESGOSO seen in 1 of 2 consecutive analyses needed to change the verdict", Vocabulary.Explain(waiting));
        Assert.Contains("RIESGOSO without waiting", Vocabulary.Explain(new VerdictDecision(Verdict.Risky, DecisionBasis.Critical, Verdict.Risky)));
        Assert.Equal("VerdictRiesgoso", StatusWire.EventReason(Verdict.Risky));
        Assert.Equal("VerdictInsufficientData", StatusWire.EventReason(Verdict.InsufficientData));
    }

    [Fact]
    public void A_release_on_the_wire_is_its_five_fields_and_nothing_computed()
    {
        var release = PlannerTests.Valid();
        release.Status = new ReleaseStatus { Verdict = "OK", History = [new HistoryEntry { Time = "2026-11-23T14:10:00Z" }] };
        var json = System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(release))!.AsObject();
        Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], json.Select(p => p.Key));
    }
}
