using System.Text.RegularExpressions;

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
    public void Only_the_status_mapper_and_its_tests_know_the_verdict_words()
    {
        string[] allowed =
        [
            "src/ReleaseRadar.Core/Status/StatusWire.cs",
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

    [GeneratedRegex(@"RIESGOSO|DATOS_INSUFICIENTES|PENDIENTE|INVALIDO")]
    private static partial Regex VerdictWord();

    [GeneratedRegex(
        @"^(?:public |internal |file )?(?:(?:sealed|static|abstract|partial|readonly) )*"
            + @"(?:class|record struct|record|struct|interface|enum) (?<name>\w+)",
        RegexOptions.Multiline
    )]
    private static partial Regex TopLevelType();
}
