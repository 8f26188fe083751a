using System.CommandLine;
using ReleaseRadar.Benchmarks;

var output = new Option<string>("--output")
{
    Description = "Directory for results.md and results.json",
    DefaultValueFactory = _ => "benchmarks/detection",
};
var parallelism = new Option<int>("--parallelism") { DefaultValueFactory = _ => 2 };
var inProcess = new Option<bool>("--in-process")
{
    Description = "Replay in this process instead of one `releaseradar analyze` per scenario (faster, for tuning)",
};
var only = new Option<string?>("--only") { Description = "Only the categories whose name contains this text" };
var explain = new Option<bool>("--explain") { Description = "Print the reasons behind each analysis of every scenario Release Radar got wrong" };
var seed = new Option<int>("--seed")
{
    Description = "Seed of the generated corpus (another seed gives a corpus the engine was not tuned on)",
    DefaultValueFactory = _ => 20261123,
};
var detection = new Command("detection", "Detection quality on the labelled corpus, against a real Prometheus")
{
    output,
    parallelism,
    inProcess,
    only,
    explain,
    seed,
};
detection.SetAction(
    (r, ct) =>
        DetectionBenchmark.RunAsync(
            r.GetValue(output)!,
            r.GetValue(parallelism),
            r.GetValue(inProcess),
            r.GetValue(only),
            r.GetValue(explain),
            r.GetValue(seed),
            ct
        )
);
var seeds = new Option<string>("--seeds")
{
    Description = "Comma-separated seeds of corpora to summarise",
    DefaultValueFactory = _ => "1,2,3,4,5,6,7,8",
};
var seedsOutput = new Option<string>("--output") { DefaultValueFactory = _ => "benchmarks/detection" };
var otherSeeds = new Command("detection-seeds", "Detection quality on corpora from other seeds (the engine was tuned on one): one summary row each")
{
    seeds,
    seedsOutput,
    parallelism,
};
otherSeeds.SetAction(
    (r, ct) =>
        DetectionBenchmark.RunSeedsAsync(r.GetValue(seedsOutput)!, [.. r.GetValue(seeds)!.Split(',').Select(int.Parse)], r.GetValue(parallelism), ct)
);
var sizes = new Option<string>("--releases") { Description = "Comma-separated numbers of Releases", DefaultValueFactory = _ => "100,1000,2000" };
var intervals = new Option<int>("--intervals") { Description = "Steady-state minutes measured per size", DefaultValueFactory = _ => 3 };
var scaleOutput = new Option<string>("--output") { DefaultValueFactory = _ => "benchmarks/scale" };
var services = new Option<int>("--services") { Description = "Distinct services the Releases spread over", DefaultValueFactory = _ => 20 };
var history = new Option<int>("--history") { Description = "History entries each Release's status already holds (0: none)" };
var mixedLabels = new Option<bool>("--mixed-labels") { Description = "Every other Release selects by {service, version}" };
var scale = new Command("scale", "Operator CPU, memory, latency and query/write rates for N active Releases")
{
    sizes,
    intervals,
    scaleOutput,
    services,
    history,
    mixedLabels,
};
scale.SetAction(
    (r, ct) =>
        ScaleBenchmark.RunAsync(
            [.. r.GetValue(sizes)!.Split(',').Select(int.Parse)],
            r.GetValue(intervals),
            r.GetValue(scaleOutput)!,
            new ScaleFleet(r.GetValue(services), r.GetValue(history), r.GetValue(mixedLabels)),
            ct
        )
);
var robustOutput = new Option<string>("--output") { DefaultValueFactory = _ => "benchmarks/robustness" };
var robustParallelism = new Option<int>("--parallelism") { DefaultValueFactory = _ => 4 };
var mutations = new Option<int>("--mutations") { Description = "Seeded random edits of a valid manifest", DefaultValueFactory = _ => 200 };
var group = new Option<string?>("--only")
{
    Description = "Only one group (control, manifest, mutation, answer, operator), for a quick check; writes no results",
};
var robustness = new Command("robustness", "Bad manifests, hostile Prometheus answers and poison Releases through the real CLI and operator")
{
    robustOutput,
    robustParallelism,
    mutations,
    group,
};
robustness.SetAction(
    (r, ct) => RobustnessBenchmark.RunAsync(r.GetValue(robustOutput)!, r.GetValue(robustParallelism), r.GetValue(mutations), r.GetValue(group), ct)
);
var suspectsOutput = new Option<string>("--output") { DefaultValueFactory = _ => "benchmarks/suspects" };
var suspectsSeed = new Option<int>("--seed")
{
    Description = "Seed of the generated incident corpus",
    DefaultValueFactory = _ => SuspectsBenchmark.DefaultSeed,
};
var perCause = new Option<int>("--per-cause") { Description = "Incident scenarios of each cause", DefaultValueFactory = _ => 20 };
var suspects = new Command("suspects", "Which release broke it: suspects ranked on the incident corpus, against a real Prometheus")
{
    suspectsOutput,
    suspectsSeed,
    perCause,
};
suspects.SetAction((r, ct) => SuspectsBenchmark.RunAsync(r.GetValue(suspectsOutput)!, r.GetValue(suspectsSeed), r.GetValue(perCause), ct));
var root = new RootCommand("Release Radar benchmarks") { detection, otherSeeds, scale, robustness, suspects };
return await root.Parse(args).InvokeAsync();
