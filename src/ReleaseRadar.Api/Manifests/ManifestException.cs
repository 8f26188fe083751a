namespace ReleaseRadar.Api.Manifests;

public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);
