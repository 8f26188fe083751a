using ReleaseRadar.Prometheus;

namespace ReleaseRadar.UnitTests.Prometheus;

public sealed class PromQlTests
{
    [Fact]
    public void Selectors_are_sorted_and_quoted()
    {
        Assert.Equal(
            "http_requests_total{service=\"checkout\",version=\"v2\"}",
            PromQl.Selector("http_requests_total", new Dictionary<string, string> { ["version"] = "v2", ["service"] = "checkout" })
        );
    }

    [Fact]
    public void A_hostile_label_value_stays_inside_its_string_literal()
    {
        var hostile = "checkout\"} or vector(1) or up{a=\"\\";
        var rendered = PromQl.Matchers(new Dictionary<string, string> { ["service"] = hostile });
        Assert.Equal("service=\"checkout\\\"} or vector(1) or up{a=\\\"\\\\\"", rendered);
        // The literal ends exactly at the final quote: every quote inside it is escaped.
        var inner = rendered["service=\"".Length..^1];
        for (var i = 0; i < inner.Length; i++)
            if (inner[i] == '"')
                Assert.Equal('\\', inner[i - 1]);
    }

    [Fact]
    public void Newlines_and_control_characters_are_escaped()
    {
        Assert.Equal("\"a\\nb\\u0001\"", ReleaseRadar.Analysis.Planning.PromQlText.Literal("a\nb\u0001"));
    }

    [Theory]
    [InlineData("service}")]
    [InlineData("1abc")]
    [InlineData("a-b")]
    [InlineData("")]
    public void Invalid_label_names_are_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => PromQl.Matchers(new Dictionary<string, string> { [name] = "x" }));
    }

    [Fact]
    public void Invalid_metric_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PromQl.Selector("up{}or vector(1)", new Dictionary<string, string> { ["a"] = "b" }));
    }

    [Fact]
    public void The_traffic_queries_use_increase_over_one_step()
    {
        var m = new Dictionary<string, string> { ["service"] = "checkout" };
        Assert.Equal(
            "sum by (code) (increase(http_requests_total{service=\"checkout\"}[60s]))",
            PromQl.RequestsByCode("http_requests_total", "code", m, TimeSpan.FromMinutes(1))
        );
        Assert.Equal("sum by (le) (increase(lat_bucket{service=\"checkout\"}[4s]))", PromQl.LatencyBuckets("lat", m, TimeSpan.FromSeconds(4)));
        Assert.Equal(
            "sum(rate(q{service=\"checkout\"}[1500ms]))",
            PromQl.Custom("sum(rate(q{ {{selector}} }[{{step}}]))".Replace("{ {{selector}} }", "{{{selector}}}"), m, TimeSpan.FromMilliseconds(1500))
        );
    }

    [Fact]
    public void A_step_shorter_than_two_scrapes_reads_a_wider_range_scaled_back_to_the_step()
    {
        var range = StepRange.For(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.FromSeconds(30), range.Range);
        Assert.Equal(
            "sum by (code) (rate(http_requests_total{service=\"checkout\"}[30s])) * 15",
            PromQl.RequestsByCode("http_requests_total", "code", "service=\"checkout\"", range, [])
        );
        Assert.Equal("sum by (le, service) (rate(lat_bucket{a=\"b\"}[30s])) * 15", PromQl.LatencyBuckets("lat", "a=\"b\"", range, ["service"]));
        // Where the step already holds two samples, nothing changes.
        Assert.False(StepRange.For(TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15)).Widened);
        Assert.False(StepRange.For(TimeSpan.FromSeconds(15), null).Widened);
    }

    [Fact]
    public void Placeholders_are_filled_in_one_pass_so_a_placeholder_inside_a_value_stays_text()
    {
        var m = new Dictionary<string, string> { ["service"] = "a{{step}}b{{range}}" };
        var query = PromQl.Custom(
            "sum(rate(x{ {{selector}} }[{{range}}])) / {{step}}",
            m,
            StepRange.For(TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15))
        );
        Assert.Equal("sum(rate(x{ service=\"a{{step}}b{{range}}\" }[30s])) / 15s", query);
    }

    [Theory]
    [InlineData("service\n")]
    [InlineData("service\r\n")]
    public void A_label_name_ending_in_a_newline_is_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => PromQl.Matchers(new Dictionary<string, string> { [name] = "x" }));
        Assert.DoesNotMatch(ReleaseRadar.Analysis.Planning.ReleasePlanner.LabelName(), name);
    }
}
