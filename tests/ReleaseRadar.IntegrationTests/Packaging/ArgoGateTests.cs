using System.Text.Json;
using Jint;
using ReleaseRadar.Analysis.Planning;
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
    private static (string Success, string Failure, int Count, int InconclusiveLimit, int ConsecutiveErrorLimit) Template()
    {
        var doc = Tools.Documents(File.ReadAllText(RepoPaths.Of("config", "argo-rollouts", "analysistemplate.yaml"))).Single();
        var metric = (YamlDotNet.RepresentationModel.YamlMappingNode)
            ((YamlDotNet.RepresentationModel.YamlSequenceNode)Tools.Node(doc, "spec", "metrics")!).Children[0];
        return (
            Tools.Str(metric, "successCondition")!,
            Tools.Str(metric, "failureCondition")!,
            int.Parse(Tools.Str(metric, "count")!),
            int.Parse(Tools.Str(metric, "inconclusiveLimit")!),
            // Argo Rollouts' default when absent: 4.
            Tools.Str(metric, "consecutiveErrorLimit")
                is { } errors
                ? int.Parse(errors)
                : 4
        );
    }

    private static string Measure(Release? release, bool trusted = true)
    {
        var (success, failure, _, _, _) = Template();
        foreach (var c in new[] { success, failure })
            Assert.Matches("""^(\s*result\.[a-zA-Z]+\s*(==|!=)\s*"[^"]*"\s*(&&|\|\||$))+$""", c);
        // Serialized as the API serializes it (ASP.NET Core's web defaults: camelCase).
        var json = JsonSerializer.Serialize(ReleaseApi.Gate(release, "shop/checkout-v2", _ => trusted), JsonSerializerOptions.Web);
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
    public void An_invalid_release_fails_the_gate_with_what_is_wrong_with_its_spec()
    {
        var invalid = R("Invalid", null);
        invalid.Status = invalid.Status! with
        {
            Conditions =
            [
                new ReleaseCondition
                {
                    Type = "SpecValid",
                    Status = "False",
                    Reason = "InvalidSpec",
                    Message = "spec.analysis.window: '30x' is not a duration",
                },
            ],
        };
        var decision = ReleaseApi.Gate(invalid, "shop/checkout-v2", _ => true);
        Assert.Equal("fail", decision.Decision);
        Assert.Equal("the Release is invalid: spec.analysis.window: '30x' is not a duration", decision.Reason);
    }

    [Fact]
    public void A_status_the_operator_did_not_seal_neither_passes_nor_fails_the_rollout()
    {
        var completedOk = R(StatusWire.Word(ReleasePhase.Completed), StatusWire.Word(Verdict.Ok));
        Assert.Equal("Successful", Measure(completedOk));
        Assert.Equal("Inconclusive", Measure(completedOk, trusted: false));
        Assert.Equal("Inconclusive", Measure(R(StatusWire.Word(ReleasePhase.Completed), StatusWire.Word(Verdict.Risky)), trusted: false));
    }

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
        Assert.Equal("Failed", Measure(R("Superseded", "OK"))); // replaced before its window ended: never promoted
        Assert.Equal("Successful", Measure(R("Completed", "OK")));
    }

    [Fact]
    public void An_analysis_that_never_finishes_holds_the_rollout_instead_of_promoting_it()
    {
        var (_, _, count, limit, _) = Template();
        // Argo: a run whose inconclusive measurements exceed inconclusiveLimit ends Inconclusive (the rollout pauses).
        Assert.True(count > limit, "all-inconclusive runs must exceed the limit, or a release nobody judged is promoted");
        // With the defaults (2 m warm-up + 30 m window, 1 m interval) the verdict is final by minute 33: at least 3 passes.
        Assert.True(count - 33 >= 3 && limit >= 33, $"count {count} / inconclusiveLimit {limit} leave too few measurements after the window");
    }

    [Fact]
    public void An_operator_restart_does_not_abort_the_rollout_but_a_long_outage_does()
    {
        var (_, _, count, _, errors) = Template();
        // Argo: more than consecutiveErrorLimit provider errors in a row (the /gate endpoint unreachable) make the metric
        // Error and abort the rollout. A restart or leader handover takes a few minutes at most; the limit rides it out, and
        // stays below the run's length, so an operator that stays down aborts the rollout instead of promoting it.
        Assert.InRange(errors, 5, count - 1);
    }

    [Fact]
    public void The_hooks_name_the_release_the_analysis_template_asks_for_and_helm_template_renders_it_the_same_each_time()
    {
        // Argo CD renders charts with `helm template`: .Release.Revision is always 1 there, and a generateName is unknowable.
        string Render(params string[] extra) => Tools.Helm(["template", "storefront", Tools.ExampleChart(), "--namespace", "storefront", .. extra]);
        var first = Tools.Documents(Render()).Single(d => Tools.Str(d, "kind") == "Release");
        var again = Tools.Documents(Render("--is-upgrade")).Single(d => Tools.Str(d, "kind") == "Release");
        var name = Tools.Str(first, "metadata", "name")!;
        Assert.Equal(name, Tools.Str(again, "metadata", "name"));
        Assert.Null(Tools.Str(first, "metadata", "generateName"));
        // The example names its Release after the image tag: the next image is a new Release (the earlier one stays as
        // evidence), and values that are not the version do not rename it.
        Assert.Equal("checkout-v2-3-1", name);
        var next = Tools.Documents(Render("--set", "image=ghcr.io/example/checkout:V2.4.0-rc.1")).Single(d => Tools.Str(d, "kind") == "Release");
        Assert.Equal("checkout-v2-4-0-rc-1", Tools.Str(next, "metadata", "name"));
        Assert.Equal("V2.4.0-rc.1", Tools.Str(next, "spec", "version"));
        Assert.Equal(
            name,
            Tools.Str(Tools.Documents(Render("--set", "commit=0ddba11")).Single(d => Tools.Str(d, "kind") == "Release"), "metadata", "name")
        );

        // The AnalysisTemplate's URL takes the Release name as an arg, and the Argo CD sample names its Release the same way.
        var template = File.ReadAllText(RepoPaths.Of("config", "argo-rollouts", "analysistemplate.yaml"));
        Assert.Contains("/gate/{{args.namespace}}/{{args.release}}", template);
        var argo = Tools.Documents(File.ReadAllText(RepoPaths.Of("config", "hooks", "argocd-postsync-release.yaml"))).Single();
        Assert.Null(Tools.Str(argo, "metadata", "generateName"));
        Assert.Equal("checkout-v" + Tools.Str(argo, "spec", "version")!.Replace('.', '-'), Tools.Str(argo, "metadata", "name"));
    }
}
