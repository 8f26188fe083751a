namespace ReleaseRadar.Analysis;

/// <summary>The metric source could not answer. <see cref="Reason"/> is a CamelCase condition reason; the message is for humans.</summary>
public class MetricSourceException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Reason { get; } = reason;
}
