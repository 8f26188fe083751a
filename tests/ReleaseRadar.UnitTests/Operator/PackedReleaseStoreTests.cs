using System.Buffers;
using System.Text;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseRadar.Api;
using ReleaseRadar.Operator;
using ReleaseRadar.Operator.Store.Fast;

namespace ReleaseRadar.UnitTests.Operator;

/// <summary>How the packed store's watch cache and a status write in flight settle who decides what the cache holds.</summary>
public sealed class PackedReleaseStoreTests
{
    private const string Key = "shop/checkout-v2";

    // Never contacted: these tests drive the cache directly, as the watch and the reconciler do.
    private static PackedReleaseStore Store() =>
        new(
            new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" }),
            null,
            new OperatorMetrics(),
            NullLogger.Instance,
            TimeSpan.FromMinutes(5)
        );

    private static Release At(string version, int riskScore)
    {
        var release = CachedReleaseTests.DayOld();
        release.Metadata.ResourceVersion = version;
        release.Status = release.Status! with { RiskScore = riskScore };
        return release;
    }

    private static ReadOnlySequence<byte> Json(Release release) => new(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(release) + "}"));

    private static StoredRelease Stored(Release release) =>
        new(release, WatchHead.HistoryJson(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(release))));

    [Fact]
    public void The_echo_of_our_write_is_never_read_whether_it_comes_before_or_after_the_answer()
    {
        var store = Store();
        store.Received(WatchEventType.Added, At("41", 3));

        store.BeginWrite(Key);
        // Not a Release at all: reading it would throw, so the test shows it is not read.
        Assert.True(store.Absorbed(Key, "42", new ReadOnlySequence<byte>("{\"garbage\":"u8.ToArray())));
        store.EndWrite(Key, Stored(At("42", 71)));
        var after = store.Absorbed(Key, "42", new ReadOnlySequence<byte>("{\"garbage\":"u8.ToArray()));

        Assert.True(after); // an echo after the answer: the version is cached
        var cached = store.Load(Key)?.Release;
        Assert.NotNull(cached);
        Assert.Equal("42", cached!.Metadata.ResourceVersion);
        Assert.Equal(71, cached.Status!.RiskScore);
        Assert.Equal(120, cached.Status.History!.Count);
    }

    [Fact]
    public void A_modification_by_someone_else_during_a_write_that_conflicted_is_read_then()
    {
        var store = Store();
        store.Received(WatchEventType.Added, At("41", 3));
        Assert.False(store.Absorbed(Key, "42", Json(At("42", 50)))); // no write in flight: read it now

        store.BeginWrite(Key);
        Assert.True(store.Absorbed(Key, "43", Json(At("43", 88))));
        var during = store.Load(Key)?.Release;
        Assert.NotNull(during);
        Assert.Equal("41", during!.Metadata.ResourceVersion); // kept unread until the write ends
        store.EndWrite(Key, null); // 409

        var cached = store.Load(Key)?.Release;
        Assert.NotNull(cached);
        Assert.Equal("43", cached!.Metadata.ResourceVersion);
        Assert.Equal(88, cached.Status!.RiskScore);
    }

    [Fact]
    public void A_later_modification_kept_during_a_successful_write_wins_over_the_write()
    {
        var store = Store();
        store.Received(WatchEventType.Added, At("41", 3));

        store.BeginWrite(Key);
        Assert.True(store.Absorbed(Key, "42", Json(At("42", 71))));
        Assert.True(store.Absorbed(Key, "44", Json(At("44", 12)))); // our echo (42), then someone else's change
        store.EndWrite(Key, Stored(At("42", 71)));

        var cached = store.Load(Key)?.Release;
        Assert.NotNull(cached);
        Assert.Equal("44", cached!.Metadata.ResourceVersion);
    }

    [Fact]
    public void A_deletion_seen_during_a_write_is_not_undone_by_the_write_ending()
    {
        var store = Store();
        store.Received(WatchEventType.Added, At("41", 3));

        store.BeginWrite(Key);
        Assert.True(store.Absorbed(Key, "42", Json(At("42", 71))));
        store.Received(WatchEventType.Deleted, At("45", 71));
        store.EndWrite(Key, Stored(At("42", 71)));

        Assert.Null(store.Load(Key));
    }
}
