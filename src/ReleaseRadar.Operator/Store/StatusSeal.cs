using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ReleaseRadar.Api;

namespace ReleaseRadar.Operator.Store;

/// <summary>
/// Seals every status the operator writes with an HMAC-SHA256 of the Release's uid and the whole status (history,
/// binding and actions included), under a key only the operator holds. Anyone with write access to <c>releases/status</c>
/// can change a verdict; only the operator can seal one. A status whose seal does not match is not trusted: the gate
/// waits, no action follows from it, and the reconcile re-derives it from Prometheus.
/// <para>
/// A status is checked once per resourceVersion, whatever the answer: the version of the operator's own write, or one
/// already checked (by the watch, the reconcile or the gate), is known; only a write by someone else (or a status read
/// after a restart) costs one HMAC.
/// </para>
/// </summary>
public sealed class StatusSeal
{
    private const string Version = "v1.";
    private readonly byte[] _key;

    // The (uid, resourceVersion) last written or checked, by key, and whether it was trusted: that version needs no HMAC.
    private readonly ConcurrentDictionary<string, (string? Uid, string? ResourceVersion, bool Trusted)> _known = new();

    private static readonly JsonTypeInfo<ReleaseStatus> Canonical = ReleaseJsonContext.Kubernetes<ReleaseStatus>();

    public StatusSeal(byte[] key)
    {
        if (key.Length < 16)
            throw new ArgumentException($"a status seal key needs at least 16 bytes, not {key.Length}", nameof(key));
        _key = key;
    }

    /// <summary>Whether the key was made for this process only: then a restart re-derives every status once.</summary>
    public bool Ephemeral { get; private init; }

    /// <summary>A random key, for a process given none: its seals do not survive a restart.</summary>
    public static StatusSeal Random() => new(RandomNumberGenerator.GetBytes(32)) { Ephemeral = true };

    /// <summary>The key in a file (the chart's Secret): its bytes, surrounding whitespace trimmed.</summary>
    public static StatusSeal FromFile(string path)
    {
        var key = Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
        return key.Length >= 16
            ? new StatusSeal(key)
            : throw new InvalidOperationException($"the status seal key in {path} has {key.Length} bytes; it needs at least 16");
    }

    /// <summary>The status with its seal for the Release of <paramref name="uid"/>.</summary>
    public ReleaseStatus Sealed(string? uid, ReleaseStatus status) => status with { Seal = Of(uid, status) };

    /// <summary>
    /// Whether the Release's status is the operator's own. A Release without a status has nothing to trust or distrust.
    /// </summary>
    /// <param name="withHistory">The status with its history, when the Release at hand has it left out (the API's cache).</param>
    public bool Trusts(Release release, Func<ReleaseStatus>? withHistory = null)
    {
        if (release.Status is not { } status)
            return true;
        var (uid, version) = (release.Metadata.Uid, release.Metadata.ResourceVersion);
        if (_known.TryGetValue(release.Key, out var known) && known.Uid == uid && known.ResourceVersion == version)
            return known.Trusted;
        var full = withHistory?.Invoke() ?? status;
        var trusted =
            full.Seal is { } seal && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(seal), Encoding.ASCII.GetBytes(Of(uid, full)));
        _known[release.Key] = (uid, version, trusted);
        return trusted;
    }

    /// <summary>Records the operator's own write, so its echo is known without an HMAC.</summary>
    public void Wrote(Release stored) => _known[stored.Key] = (stored.Metadata.Uid, stored.Metadata.ResourceVersion, true);

    public void Forget(string key) => _known.TryRemove(key, out _);

    private string Of(string? uid, ReleaseStatus status)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(status with { Seal = null }, Canonical);
        var message = new byte[Encoding.UTF8.GetByteCount(uid ?? "") + 1 + body.Length];
        var at = Encoding.UTF8.GetBytes(uid ?? "", message);
        message[at] = (byte)'\n';
        body.CopyTo(message, at + 1);
        return Version + Base64Url.EncodeToString(HMACSHA256.HashData(_key, message));
    }
}
