using System.Text.RegularExpressions;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;

namespace ReleaseRadar.UnitTests.Codebase;

/// <summary>Rules of the code base that a reviewer would otherwise have to remember: checked on the files themselves.</summary>
public sealed partial class CodebaseRulesTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReleaseRadar.sln")))
                return dir.FullName;
        throw new InvalidOperationException("ReleaseRadar.sln not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> CSharpFiles(params string[] roots) =>
        roots
            .SelectMany(r => Directory.EnumerateFiles(Path.Combine(Root, r), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Relative(string path) => Path.GetRelativePath(Root, path);

    [Fact]
    public void Only_the_vocabulary_and_its_tests_know_the_verdict_words()
    {
        string[] allowed =
        [
            "src/ReleaseRadar.Analysis/State/Vocabulary.cs",
            "tests/ReleaseRadar.UnitTests/Core/StatusWireTests.cs",
            "tests/ReleaseRadar.UnitTests/Codebase/CodebaseRulesTests.cs", // this rule names them
        ];
        var offenders = CSharpFiles("src", "tests", "benchmarks")
            .Where(f => !allowed.Contains(Relative(f).Replace('\\', '/')))
            .Where(f => VerdictWord().IsMatch(File.ReadAllText(f)))
            .Select(Relative)
            .ToList();
        Assert.Empty(offenders);
        Assert.Matches(VerdictWord(), File.ReadAllText(Path.Combine(Root, allowed[0]))); // the rule looks where the words are
    }

    [Fact]
    public void The_reconcile_compares_no_verdict_phase_action_or_rollback_word()
    {
        // Typed inside, words only at the wire: any of these as a literal in the controller is a comparison waiting to drift.
        var words = StatusWire
            .VerdictWords.Concat(StatusWire.PhaseWords)
            .Concat(ReleasePlanner.RollbackWords)
            .Concat(Enum.GetValues<ActionResult>().Select(StatusWire.Word))
            .Concat(Enum.GetValues<ConditionType>().Select(StatusWire.Word))
            .ToHashSet();
        var files = CSharpFiles("src/ReleaseRadar.Operator/Reconcile", "src/ReleaseRadar.Operator/Controller", "src/ReleaseRadar.Operator/Store")
            .ToList();
        var offenders = files
            .SelectMany(f => StringLiteral().Matches(File.ReadAllText(f)).Select(m => (File: f, Word: m.Groups["text"].Value)))
            .Where(x => words.Contains(x.Word))
            .Select(x => $"{Relative(x.File)}: \"{x.Word}\"")
            .ToList();
        Assert.Empty(offenders);
        Assert.Contains(files, f => f.EndsWith("ReleaseReconciler.cs", StringComparison.Ordinal)); // the rule looks where the reconcile is
        Assert.Contains("Undo", words);
        Assert.Contains("RIESGOSO", words);
    }

    [Fact]
    public void Nothing_thread_static_or_ambient_in_production_code()
    {
        var offenders = CSharpFiles("src").Where(f => Ambient().IsMatch(File.ReadAllText(f))).Select(Relative).ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_crds_enums_are_the_mappers_words()
    {
        var crd = ReleaseRadar.Api.Manifests.YamlJson.Parse(File.ReadAllText(Path.Combine(Root, "config", "crd", "releases.releaseradar.io.yaml")))!;
        var schema = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!;
        static List<string> Words(System.Text.Json.Nodes.JsonNode? property) =>
            [.. property!["enum"]!.AsArray().Select(w => w!.GetValue<string>()).Order(StringComparer.Ordinal)];
        Assert.Equal(StatusWire.VerdictWords.Order(StringComparer.Ordinal), Words(schema["status"]!["properties"]!["verdict"]));
        Assert.Equal(StatusWire.PhaseWords.Order(StringComparer.Ordinal), Words(schema["status"]!["properties"]!["phase"]));
        Assert.Equal(ReleasePlanner.RollbackWords.Order(StringComparer.Ordinal), Words(schema["spec"]!["properties"]!["rollback"]));
    }

    [Fact]
    public void No_line_is_longer_than_150_characters()
    {
        var offenders = CSharpFiles("src", "tests", "benchmarks")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line.Length)))
            .Where(x => x.Length > 150)
            .Select(x => $"{Relative(x.f)}:{x.i + 1} ({x.Length})")
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void Each_production_file_holds_one_type_named_like_the_file()
    {
        var offenders = CSharpFiles("src")
            .Select(f => (File: f, Types: TopLevelType().Matches(File.ReadAllText(f)).Select(m => m.Groups["name"].Value).ToList()))
            .Where(x => Path.GetFileName(x.File) != "Program.cs") // top-level statements: no type
            .Where(x => x.Types.Count != 1 || x.Types[0] != Path.GetFileNameWithoutExtension(x.File))
            .Select(x => $"{Relative(x.File)}: {string.Join(", ", x.Types)}")
            .ToList();
        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"(?<!@|\\)""(?<text>[A-Za-z_]+)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\[ThreadStatic\]|ThreadLocal<|AsyncLocal<")]
    private static partial Regex Ambient();

    [GeneratedRegex(@"RIESGOSO|DATOS_INSUFICIENTES|PENDIENTE|INVALIDO")]
    private static partial Regex VerdictWord();

    [GeneratedRegex(
        @"^(?:public |internal |file )?(?:(?:sealed|static|abstract|partial|readonly) )*"
            + @"(?:class|record struct|record|struct|interface|enum) (?<name>\w+)",
        RegexOptions.Multiline
    )]
    private static partial Regex TopLevelType();
}
