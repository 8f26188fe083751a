using System.Text.Json;
using Jint;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator.Hosting;

namespace ReleaseRadar.IntegrationTests.Packaging;

/// <summary>
/// The Argo Rollouts AnalysisTemplate's success and failure conditions, evaluated against the operator's /gate answers
/// in every phase. The conditions are expr-lang; the ones in the template use only ==, && and || on strings, where
/// JavaScript (Jint) means the same, and a test checks that they stay within that subset.
/// </summary>
public sealed class ArgoGateTests
{
    private static (string Success, string Failure, int Count, int InconclusiveLimit) Template()
    {
        var doc = Tools.Documents(File.ReadAllText(RepoPaths.Of("config", "argo-rollouts", "analysistemplate.yaml"))).Single();
        var metric = (YamlDotNet.RepresentationModel.YamlMappingNode)
            ((YamlDotNet.RepresentationModel.YamlSequenceNode)Tools.Node(doc, "spec", "metrics")!).Children[0];
        return (
            Tools.Str(metric, "successCondition")!,
            Tools.Str(metric, "failureCondition")!,
            int.Parse(Tools.Str(metric, "count")!),
            int.Parse(Tools.Str(metric, "inconclusiveLimit")!)
        );
    }

    private static string Measure(Release? release)
    {
        var (success, failure, _, _) = Template();
        foreach (var c in new[] { success, failure })
            Assert.Matches("""^(\s*result\.[a-zA-Z]+\s*(==|!=)\s*"[^"]*"\s*(&&|\|\||$))+$""", c);
        // Serialized as the API serializes it (ASP.NET Core's web defaults: camelCase).
        var json = JsonSerializer.Serialize(ReleaseApi.Gate(release, "shop/checkout-v2"), JsonSerializerOptions.Web);
        var engine = new Jint.Engine().Execute($"var result = {json};");
        var passed = engine.Evaluate(success).AsBoolean();
        var failed = engine.Evaluate(failure).AsBoolean();
        Assert.False(passed && failed, "a measurement cannot both pass and fail");
        return passed ? "Successful"
            : failed ? "Failed"
            : "Inconclusive";
    }

    private static Release R(string? phase, string? verdict) =>
        new()
        {
            Metadata = new() { Name = "checkout-v2", NamespaceProperty = "shop" },
            Spec = new ReleaseSpec(),
            Status = phase is null ? null : new ReleaseStatus { Phase = phase, Verdict = verdict },
        };

    [Fact]
    public void The_gate_waits_until_the_verdict_is_final_and_never_passes_without_one()
    {
        Assert.Equal("Inconclusive", Measure(null)); // the hook has not created it yet: no 404
        Assert.Equal("Inconclusive", Measure(R(null, null))); // created, no status yet
        Assert.Equal("Inconclusive", Measure(R("WarmingUp", null)));
        Assert.Equal("Inconclusive", Measure(R("Analyzing", StatusWire.Word(Verdict.InsufficientData))));
        Assert.Equal("Inconclusive", Measure(R("Analyzing", "OK"))); // OK so far is not final
        Assert.Equal("Failed", Measure(R("Analyzing", StatusWire.Word(Verdict.Risky)))); // fail fast
        Assert.Equal("Failed", Measure(R("Completed", StatusWire.Word(Verdict.Risky))));
        Assert.Equal("Failed", Measure(R("Completed", StatusWire.Word(Verdict.InsufficientData)))); // too little data never promotes
        Assert.Equal("Failed", Measure(R("Invalid", null)));
        Assert.Equal("Successful", Measure(R("Completed", "OK")));
    }

    [Fact]
    public void An_analysis_that_never_finishes_holds_the_rollout_instead_of_promoting_it()
    {
        var (_, _, count, limit) = Template();
        // Argo: a run whose inconclusive measurements exceed inconclusiveLimit ends Inconclusive (the rollout pauses).
        Assert.True(count > limit, "all-inconclusive runs must exceed the limit, or a release nobody judged is promoted");
        // With the defaults (2 m warm-up + 30 m window, 1 m interval) the verdict is final by minute 33: at least 3 passes.
        Assert.True(count - 33 >= 3 && limit >= 33, $"count {count} / inconclusiveLimit {limit} leave too few measurements after the window");
    }
}
