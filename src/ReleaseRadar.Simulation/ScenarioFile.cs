using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ReleaseRadar.Simulation;

/// <summary>
/// A scenario file: services, their version timeline and shared incidents, with offsets from the simulation's start.
/// The same file drives the live exporter and the OpenMetrics history writer.
/// </summary>
public sealed partial class ScenarioFile
{
    public int Seed { get; set; } = 42;
    public List<ServiceEntry> Services { get; set; } = [];
    public List<IncidentEntry> Incidents { get; set; } = [];

    /// <summary>Labels added to every series, e.g. scenario: s017 to keep many backfilled scenarios apart in one TSDB.</summary>
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>
    /// The label that carries the HTTP status code on http_requests_total (default code). Another name, such as
    /// status_code, shows what a Release whose spec.metrics.statusLabel does not match the exporter is told.
    /// </summary>
    public string StatusLabel { get; set; } = "code";

    public static ScenarioFile Parse(string yaml)
    {
        var deserializer = new StaticDeserializerBuilder(new ScenarioYamlContext()).WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        ScenarioFile file;
        try
        {
            file = deserializer.Deserialize<ScenarioFile?>(yaml) ?? throw new FormatException("the scenario file is empty");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"scenario file: line {e.Start.Line}, column {e.Start.Column}: {(e.InnerException ?? e).Message}", e);
        }
        file.Validate();
        return file;
    }

    public void Validate()
    {
        if (Services.Count == 0)
            throw new FormatException("scenario file: 'services' must list at least one service");
        if (!LabelName().IsMatch(StatusLabel) || StatusLabel is "service" or "version" or "le" || Labels.ContainsKey(StatusLabel))
            throw new FormatException($"scenario file: statusLabel '{StatusLabel}' is not a free label name (letters, digits, underscores)");
        foreach (var s in Services)
        {
            if (string.IsNullOrWhiteSpace(s.Name))
                throw new FormatException("scenario file: every service needs a name");
            foreach (var callee in s.Calls)
                if (callee == s.Name || !Services.Any(o => o.Name == callee))
                    throw new FormatException($"scenario file: services[{s.Name}].calls: '{callee}' is not another service of the file");
            if (s.Timeline.Count == 0)
                throw new FormatException($"scenario file: service '{s.Name}' has an empty timeline");
            foreach (var d in s.Timeline)
            {
                Offset(d.At, $"services[{s.Name}].timeline.at");
                if (d.Ramp is not null)
                    Offset(d.Ramp, $"services[{s.Name}].timeline.ramp");
                if (d.Onset is not null)
                    Offset(d.Onset, $"services[{s.Name}].timeline.onset");
                try
                {
                    Scenarios.ForVersion(d.Scenario, TimeSpan.Zero, d.Severity);
                }
                catch (ArgumentException e)
                {
                    throw new FormatException($"scenario file: services[{s.Name}].timeline: {e.Message}", e);
                }
            }
        }
        foreach (var i in Incidents)
        {
            Offset(i.At, "incidents.at");
            Offset(i.Duration, "incidents.duration");
            try
            {
                Scenarios.ForIncident(i.Effect, i.Severity);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"scenario file: incidents: {e.Message}", e);
            }
        }
    }

    public static TimeSpan Offset(string? text, string field)
    {
        var m = DurationText().Match(text ?? "");
        if (!m.Success)
            throw new FormatException($"scenario file: {field} '{text}' is not a duration like 90s, 5m or 1h");
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            _ => TimeSpan.FromHours(n),
        };
    }

    // \z, not $: $ also matches before a trailing newline, and "5m\n" is not a duration.
    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h)\z")]
    private static partial Regex DurationText();

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_]*\z")]
    private static partial Regex LabelName();
}
