using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;

namespace ReleaseRadar.UnitTests.Core;

/// <summary>prom-label-proxy's enforcement, in the planner: a Release reads only the series its namespace may read.</summary>
public sealed class QueryConfinementTests
{
    private static readonly Dictionary<string, string> Shop = new() { ["namespace"] = "shop" };

    [Theory]
    [InlineData(
        "sum(rate(x{service=\"secret\"}[5m])) + 0*sum(rate(http_requests_total{{{selector}}}[{{range}}]))",
        "sum(rate(x{namespace=\"shop\",service=\"secret\"}[5m])) + 0*sum(rate(http_requests_total{namespace=\"shop\",{{selector}}}[{{range}}]))"
    )]
    [InlineData("sum by (code, service) (rate(requests[5m]))", "sum by (code, service) (rate(requests{namespace=\"shop\"}[5m]))")]
    [InlineData(
        "sum without(pod) (a) / on(job) group_left(team) b",
        "sum without(pod) (a{namespace=\"shop\"}) / on(job) group_left(team) b{namespace=\"shop\"}"
    )]
    [InlineData("{__name__=~\"secret_.+\"}", "{namespace=\"shop\",__name__=~\"secret_.+\"}")]
    [InlineData(
        "label_replace(up, \"dst\", \"{x}\", \"src\", \"(.*)\") > bool 0.5e-3",
        "label_replace(up{namespace=\"shop\"}, \"dst\", \"{x}\", \"src\", \"(.*)\") > bool 0.5e-3"
    )]
    [InlineData(
        "max_over_time(job:errors:rate5m[1h:5m] offset 1d) or vector(NaN)",
        "max_over_time(job:errors:rate5m{namespace=\"shop\"}[1h:5m] offset 1d) or vector(NaN)"
    )]
    [InlineData("sum(x{ {{selector}} }) / {{step}}", "sum(x{namespace=\"shop\", {{selector}} }) / {{step}}")]
    public void Every_selector_of_a_query_gets_the_namespaces_matchers_and_nothing_else_changes(string query, string confined)
    {
        Assert.Equal(confined, QueryConfinement.Apply(query, Shop));
    }

    [Theory]
    [InlineData("sum(x{a=\"b\")")]
    [InlineData("sum(x{a=\"b}")]
    [InlineData("x}")]
    public void A_query_that_cannot_be_scanned_is_refused_not_passed_through(string query)
    {
        Assert.Throws<FormatException>(() => QueryConfinement.Apply(query, Shop));
    }

    private static readonly AnalysisDefaults Confined = new()
    {
        QueryConfinement = new()
        {
            ["shop"] = new() { ["team"] = "shop" },
            ["*"] = new() { ["namespace"] = "{namespace}" },
        },
    };

    [Fact]
    public void The_planner_confines_selectors_and_custom_queries_and_names_a_selector_outside_the_namespace()
    {
        var release = PlannerTests.Valid(); // namespace shop
        release.Spec = release.Spec with
        {
            CustomMetrics = [new CustomMetricSpec { Name = "queue", Query = "sum(queue_depth{{{selector}}}) + sum(other)" }],
        };
        var plan = ReleasePlanner.Plan(release.Subject, Confined).Plan!;
        Assert.Equal("shop", plan.Selector["team"]);
        Assert.Equal("checkout", plan.Selector["service"]);
        Assert.Equal("sum(queue_depth{team=\"shop\",{{selector}}}) + sum(other{team=\"shop\"})", plan.CustomQueries.Single().QueryTemplate);

        release.Spec.Selector!["team"] = "payments";
        var refused = ReleasePlanner.Plan(release.Subject, Confined);
        Assert.Null(refused.Plan);
        Assert.Contains(refused.Errors, e => e.StartsWith("spec.selector.team: 'payments' is outside", StringComparison.Ordinal));
    }

    [Fact]
    public void A_namespace_the_confinement_does_not_name_falls_back_to_the_wildcard_or_is_refused()
    {
        var release = PlannerTests.Valid();
        release.Metadata.NamespaceProperty = "payments";
        Assert.Equal("payments", ReleasePlanner.Plan(release.Subject, Confined).Plan!.Selector["namespace"]);
        var strict = new AnalysisDefaults { QueryConfinement = new() { ["shop"] = new() { ["team"] = "shop" } } };
        Assert.Contains(ReleasePlanner.Plan(release.Subject, strict).Errors, e => e.Contains("'payments' has no entry", StringComparison.Ordinal));
    }
}
