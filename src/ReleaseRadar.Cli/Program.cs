using System.CommandLine;
using ReleaseRadar.Cli.Commands;

var root = new RootCommand("Release Radar: did this release break something? Analyses releases against a baseline in Prometheus.")
{
    AnalyzeCommand.Create(),
    DemoCommand.Create(),
    MockExporterCommand.Create(),
    OperatorCommand.Create(),
    ExportCommand.Create(),
    GetCommand.Create(),
    SuspectsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
