namespace ReleaseRadar.Core.Model;

public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);
