namespace ReleaseRadar.Cli.Commands;

/// <summary>A mistake in how the command was called; printed without a stack trace, exit code 1.</summary>
public sealed class UsageException(string message) : Exception(message);
