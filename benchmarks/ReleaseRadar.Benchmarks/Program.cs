using System.CommandLine;
using ReleaseRadar.Benchmarks;

var output = new Option<string>("--output") { Description = "Directory for results.md and results.json", DefaultValueFactory = _ => "benchmarks/detection" };
var parallelism = new Option<int>("--parallelism") { DefaultValueFactory = _ => 2 };
var detection = new Command("detection", "Detection quality on the labelled corpus, against a real Prometheus") { output, parallelism };
detection.SetAction((r, ct) => DetectionBenchmark.RunAsync(r.GetValue(output)!, r.GetValue(parallelism), ct));
var root = new RootCommand("Release Radar benchmarks") { detection };
return await root.Parse(args).InvokeAsync();
