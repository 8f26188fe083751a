using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Api;
using ReleaseRadar.Api.Manifests;

namespace ReleaseRadar.UnitTests.Core;

/// <summary>Manifests a careless or hostile hand can write: each is refused with the field and line, or planned; nothing throws.</summary>
public sealed class HostileManifestTests
{
    private const string Head = "apiVersion: releaseradar.io/v1alpha1\nkind: Release\nmetadata: {name: r}\n";

    [Fact]
    public void A_duplicate_key_is_an_error_not_last_wins()
    {
        var e = Assert.Throws<ManifestException>(() =>
            ManifestReader.ReadReleases(Head + "spec:\n  selector: {service: checkout}\n  selector: {service: catalog}\n", "r.yaml")
        );
        Assert.Equal("r.yaml: not valid YAML at line 6, column 3: duplicate key selector (one of its values would be silently lost)", e.Message);
    }

    [Theory]
    [InlineData("spec:\n  selector: {service: a}\n  analysis:\n    windw: 5m\n", "unknown field \"spec.analysis.windw\" at line 7")]
    [InlineData("spec:\n  selector: {service: a}\n  rollbak: Undo\n", "unknown field \"spec.rollbak\" at line 6")]
    [InlineData("spec:\n  selector: {service: a}\nsatus: {}\n", "unknown field \"satus\" at line 6")]
    [InlineData(
        "spec:\n  selector: {service: a}\n  analysis: {window: [5m]}\n",
        "spec.analysis.window at line 6: [\"5m\"] is not valid here; expected a string"
    )]
    [InlineData(
        "spec:\n  selector: {service: a}\n  analysis: {minRequests: lots}\n",
        "spec.analysis.minRequests at line 6: \"lots\" is not valid here; expected a number"
    )]
    public void Unknown_fields_and_wrong_types_are_named_with_their_line(string spec, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => ManifestReader.ReadReleases(Head + spec, "r.yaml"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_yaml_reader_failure_on_malformed_input_is_a_manifest_error_not_a_crash()
    {
        // Found by the robustness benchmark's seeded mutations: YamlDotNet's scanner throws InvalidOperationException here.
        const string broken = "spec:\n  selector: {service: a}\n  analysis:\n    window: 30m\n    [warmup: 2m\n    minRequests: 200\n";
        var e = Assert.Throws<ManifestException>(() => ManifestReader.ReadReleases(Head + broken, "r.yaml"));
        Assert.Equal(
            "r.yaml: not valid YAML: the YAML reader could not make sense of it (InvalidOperationException); check brackets, quotes and indentation",
            e.Message
        );
    }

    [Fact]
    public void An_alias_bomb_is_refused_before_it_expands()
    {
        var laughs =
            "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
            + string.Concat("bcdefghi".Select((c, i) => $"{c}: &{c} [{string.Join(",", Enumerable.Repeat("*" + "abcdefghi"[i], 10))}]\n"));
        var e = Assert.Throws<ManifestException>(() => ManifestReader.ReadReleases(laughs + Head + "spec: {selector: {a: b}}\n", "r.yaml"));
        Assert.Contains("more than 100,000 values once aliases are expanded", e.Message);
        // An ordinary alias, as Helm users write them, still reads.
        var ok = ManifestReader.ReadReleases(Head + "spec:\n  selector: &s {service: a}\n  baseline: {selector: *s}\n", "r.yaml");
        Assert.Equal("a", ok.Single().Spec!.Baseline!.Selector!["service"]);
    }

    [Fact]
    public void Deep_nesting_and_oversized_manifests_are_refused_with_what_is_wrong()
    {
        var deep = Assert.Throws<ManifestException>(() =>
            ManifestReader.ReadReleases(Head + "spec: {selector: {a: b}}\nx: " + new string('[', 5000) + new string(']', 5000) + "\n", "r.yaml")
        );
        Assert.Equal("r.yaml: nested more than 48 levels deep at line 5", deep.Message);
        var big = Assert.Throws<ManifestException>(() =>
            ManifestReader.ReadReleases(Head + "spec: {selector: {a: b}}\n# " + new string('x', 4 << 20) + "\n", "r.yaml")
        );
        Assert.Contains("4 MiB is larger than a manifest can be (3 MiB", big.Message);
    }

    [Fact]
    public void A_document_without_kind_is_refused()
    {
        var e = Assert.Throws<ManifestException>(() =>
            ManifestReader.ReadReleases("apiVersion: releaseradar.io/v1alpha1\nmetadata: {name: r}\nspec: {selector: {a: b}}\n", "r.yaml")
        );
        Assert.Equal("r.yaml: has no 'kind'; expected kind: Release", e.Message);
    }

    [Theory]
    [InlineData("deployedAt: \"0001-01-01T00:00:00Z\"", "spec.deployedAt: '0001-01-01T00:00:00Z' is out of range")]
    [InlineData("deployedAt: \"9999-12-31T23:59:59Z\"", "spec.deployedAt: '9999-12-31T23:59:59Z' is out of range")]
    [InlineData("analysis: {window: 999999999999d}", "spec.analysis.window: '999999999999d' is longer than 366d")]
    [InlineData("baseline: {window: 99999999999999999999h}", "spec.baseline.window: '99999999999999999999h' is longer than 366d")]
    [InlineData("analysis: {interval: 400d, window: 1d}", "spec.analysis.interval: '400d' is longer than 366d")]
    public void Absurd_times_and_durations_are_spec_errors_not_overflows(string extra, string expected)
    {
        var yaml =
            Head
            + $"spec:\n  selector: {{service: a}}\n  deployedAt: \"2026-11-23T14:00:00Z\"\n".Replace(
                "  deployedAt: \"2026-11-23T14:00:00Z\"\n",
                extra.StartsWith("deployedAt") ? "" : "  deployedAt: \"2026-11-23T14:00:00Z\"\n"
            )
            + "  "
            + extra
            + "\n";
        var result = ReleasePlanner.Plan(ManifestReader.ReadReleases(yaml).Single().Subject);
        Assert.Null(result.Plan);
        Assert.Contains(result.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    /// <summary>
    /// Property: random manifests (random keys from the schema, random values of every YAML type, random nesting)
    /// either read and plan, or fail with a <see cref="ManifestException"/>; nothing else escapes, and the planner
    /// never throws. Seeded, so a failure reproduces.
    /// </summary>
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Random_manifests_are_read_or_refused_never_crash(int seed)
    {
        var random = new Random(seed);
        string[] keys =
        [
            "selector",
            "analysis",
            "window",
            "interval",
            "warmup",
            "step",
            "deployedAt",
            "baseline",
            "control",
            "weights",
            "thresholds",
            "errorRate",
            "minRatio",
            "alpha",
            "power",
            "riskyScore",
            "rollback",
            "target",
            "name",
            "customMetrics",
            "query",
            "slo",
            "objective",
            "metrics",
            "requests",
            "service",
            "minRequests",
            "recentWindow",
            "critical",
        ];
        string[] values =
        [
            "1",
            "-1",
            "0",
            "1e400",
            ".nan",
            "-.inf",
            "\"\"",
            "~",
            "true",
            "30m",
            "999999999999d",
            "0001-01-01T00:00:00Z",
            "\"2026-11-23T14:00:00Z\"",
            "[1, 2]",
            "{}",
            "'a: b'",
            "Undo",
            "\"\\u0000\"",
            "&a x",
            "*a",
            "!!binary aGk=",
            "9223372036854775808",
            "5xx|",
        ];
        string Node(int depth) =>
            depth == 0 || random.Next(3) == 0
                ? values[random.Next(values.Length)]
                : "{"
                    + string.Join(", ", Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"{keys[random.Next(keys.Length)]}: {Node(depth - 1)}"))
                    + "}";
        for (var i = 0; i < 400; i++)
        {
            var yaml =
                Head
                + $"spec: {{selector: {{service: a}}, {keys[random.Next(keys.Length)]}: {Node(3)}, {keys[random.Next(keys.Length)]}: {Node(2)}}}\n";
            IReadOnlyList<Release> releases;
            try
            {
                releases = ManifestReader.ReadReleases(yaml, "fuzz.yaml");
            }
            catch (ManifestException)
            {
                continue;
            }
            foreach (var r in releases)
                ReleasePlanner.Plan(r.Subject); // must not throw
        }
    }
}
