using System.CommandLine;
using ReleaseRadar.Benchmarks;

var output = new Option<string>("--output") { Description = "Directory for results.md and results.json", DefaultValueFactory = _ => "benchmarks/detection" };
var parallelism = new Option<int>("--parallelism") { DefaultValueFactory = _ => 2 };
var detection = new Command("detection", "Detection quality on the labelled corpus, against a real Prometheus") { output, parallelism };
detection.SetAction((r, ct) => DetectionBenchmark.RunAsync(r.GetValue(output)!, r.GetValue(parallelism), ct));
var sizes = new Option<string>("--releases") { Description = "Comma-separated numbers of Releases", DefaultValueFactory = _ => "100,1000,2000" };
var intervals = new Option<int>("--intervals") { Description = "Steady-state minutes measured per size", DefaultValueFactory = _ => 3 };
var scaleOutput = new Option<string>("--output") { DefaultValueFactory = _ => "benchmarks/scale" };
var scale = new Command("scale", "Operator CPU, memory, latency and query/write rates for N active Releases") { sizes, intervals, scaleOutput };
scale.SetAction((r, ct) => ScaleBenchmark.RunAsync([.. r.GetValue(sizes)!.Split(',').Select(int.Parse)], r.GetValue(intervals), r.GetValue(scaleOutput)!, ct));
var root = new RootCommand("Release Radar benchmarks") { detection, scale };
return await root.Parse(args).InvokeAsync();
