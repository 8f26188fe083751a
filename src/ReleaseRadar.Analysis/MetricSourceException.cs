namespace ReleaseRadar.Analysis;

/// <summary>The metric source could not answer. <see cref="Reason"/> is a CamelCase condition reason; the message is for humans.</summary>
public class MetricSourceException(string reason, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The reason for a population no series matched at all: a setup mistake, told apart from a quiet service.</summary>
    public const string NoSeriesMatched = "NoSeriesMatched";

    public string Reason { get; } = reason;
}
