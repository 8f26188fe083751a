using System.Buffers;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using ReleaseRadar.Api;
using ReleaseRadar.Operator.Controller;
using ReleaseRadar.Operator.Store.Fast;

namespace ReleaseRadar.UnitTests.Operator;

public sealed class WatchHeadTests
{
    private static string Event(string type, Release release) => $"{{\"type\":\"{type}\",\"object\":{KubernetesJson.Serialize(release)}}}";

    /// <summary>The line cut into segments of a few bytes, as a socket may deliver it.</summary>
    private static ReadOnlySequence<byte> Chunked(string line, int size)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        ReleaseRadar.Prometheus.ByteSegment? first = null,
            last = null;
        for (var i = 0; i < bytes.Length; i += size)
        {
            var piece = bytes.AsMemory(i, Math.Min(size, bytes.Length - i));
            last = last is null ? first = new ReleaseRadar.Prometheus.ByteSegment(piece, 0) : last.Append(piece);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    [Fact]
    public void Additions_and_deletions_are_read_even_at_a_version_held_and_bookmarks_never()
    {
        var release = CachedReleaseTests.DayOld();
        var bookmark = new Release { Metadata = new V1ObjectMeta { ResourceVersion = "99" } };
        Func<string, string, ReadOnlySequence<byte>, bool> held = (_, _, _) => true;

        var added = ReleaseResource.ReadEvent(Chunked(Event("ADDED", release), 64), held, e => throw e);
        var deleted = ReleaseResource.ReadEvent(Chunked(Event("DELETED", release), 64), held, e => throw e);
        var mark = ReleaseResource.ReadEvent(Chunked(Event("BOOKMARK", bookmark), 64), (_, _, _) => false, e => throw e);

        Assert.Equal("checkout-v2", added!.Value.Item2.Release!.Metadata.Name);
        Assert.Equal(WatchEventType.Deleted, deleted!.Value.Item1);
        Assert.NotNull(deleted.Value.Item2.Release);
        Assert.Equal((WatchEventType.Bookmark, new WatchedRelease(null, "99", null)), mark);
    }

    [Fact]
    public void The_head_is_the_same_whatever_the_order_of_the_properties()
    {
        const string usual =
            """{"type":"MODIFIED","object":{"kind":"Release","metadata":{"name":"a","namespace":"n","resourceVersion":"7"},"spec":{}}}""";
        const string unusual =
            """{"object":{"spec":{"x":[1,{"metadata":{"name":"decoy"}}]},"""
            + "\"metadata\":{\"resourceVersion\":\"7\",\"namespace\":\"n\",\"name\":\"a\"}},\"type\":\"MODIFIED\"}";

        var a = WatchHead.Read(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(usual)))!.Value;
        var b = WatchHead.Read(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(unusual)))!.Value;

        Assert.Equal(new WatchHead.Identity("n", "a", "7"), a.Object);
        Assert.Equal(a.Object, b.Object);
        Assert.Equal(a.Type, b.Type);
        Assert.Equal(usual.IndexOf("{\"kind\"", StringComparison.Ordinal), a.ObjectStart);
        Assert.Equal(unusual.IndexOf("{\"spec\"", StringComparison.Ordinal), b.ObjectStart);
        Assert.Null(WatchHead.Read(new ReadOnlySequence<byte>(" \r"u8.ToArray())));
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("""{"type":"RENAMED","object":{"metadata":{}}}""")]
    [InlineData("""{"type":"MODIFIED"}""")]
    [InlineData("""{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"3"},"spec":{"version":"v2",""")]
    public void A_line_that_is_not_a_release_event_goes_to_onError_and_yields_nothing(string line)
    {
        var errors = new List<Exception>();

        var read = ReleaseResource.ReadEvent(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)), (_, _, _) => false, errors.Add);

        Assert.Null(read);
        var error = Assert.Single(errors);
        Assert.IsType<JsonException>(error);
        Assert.StartsWith("a watch event could not be read: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_release_whose_spec_does_not_read_is_yielded_with_its_metadata_and_the_problem_named()
    {
        const string line = """{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"3"},"spec":{"analysis":{"interval":7}}}}""";
        var errors = new List<Exception>();

        var read = ReleaseResource.ReadEvent(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)), (_, _, _) => false, errors.Add);

        Assert.Empty(errors); // the stream, and every other Release on it, goes on
        var release = read!.Value.Item2.Release!;
        Assert.Equal("a", release.Metadata.Name);
        Assert.StartsWith("spec: ", release.Unreadable, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_resource_version_reported_in_the_stream_is_a_gone_error_for_the_loop()
    {
        const string line =
            """{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","""
            + "\"message\":\"too old resource version: 5 (9)\",\"reason\":\"Expired\",\"code\":410}}";
        var errors = new List<Exception>();

        var read = ReleaseResource.ReadEvent(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)), (_, _, _) => false, errors.Add);

        Assert.Null(read);
        var error = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, error.Status.Code);
        Assert.True(ListWatchLoop.IsGone(error));
    }

    [Fact]
    public void The_history_of_a_release_without_one_is_empty()
    {
        var release = new Release
        {
            Metadata = new V1ObjectMeta { Name = "a" },
            Status = new ReleaseStatus { RiskScore = 3 },
        };

        Assert.True(WatchHead.HistoryJson(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(release))).IsEmpty);
        Assert.Equal(
            new WatchHead.Identity(null, "a", null),
            WatchHead.ReadMetadata(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes("""{"metadata":{"name":"a"}}""")))
        );
    }
}
