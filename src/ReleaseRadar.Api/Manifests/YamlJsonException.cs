namespace ReleaseRadar.Api.Manifests;

/// <summary>A YAML (or JSON) text that cannot be read, with where.</summary>
public sealed class YamlJsonException(string message, long line, long column) : Exception(message)
{
    public long Line { get; } = line;
    public long Column { get; } = column;
}
