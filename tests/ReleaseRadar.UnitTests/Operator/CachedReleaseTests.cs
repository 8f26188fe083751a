using k8s;
using k8s.Models;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Analysis.Spec;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Engine;
using ReleaseRadar.Operator.Kubernetes;
using ReleaseRadar.Operator.Store.Fast;

namespace ReleaseRadar.UnitTests.Operator;

public sealed class CachedReleaseTests
{
    internal static Release DayOld()
    {
        var deployed = DateTimeOffset.Parse("2026-11-23T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var history = Enumerable
            .Range(1, ReleaseHistory.MaxEntries)
            .Select(i => new HistoryEntry
            {
                Time = deployed.AddMinutes(i * 12).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                Elapsed = GoDuration.Format(TimeSpan.FromMinutes(i * 12)), // as the operator writes it
                Verdict = StatusWire.Word(i < 100 ? Verdict.Ok : Verdict.Risky),
                RiskScore = i < 100 ? 4 : 71,
                ErrorRate = 0.001 * (i % 7),
                LatencyP95 = 0.2 + i / 1000.0,
                Throughput = 40.5,
                Merged = i < 20 ? 3 : null,
            })
            .ToList();
        return new Release
        {
            Metadata = new V1ObjectMeta
            {
                Name = "checkout-v2",
                NamespaceProperty = "shop",
                ResourceVersion = "42",
                ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Apply" }],
            },
            Spec = new ReleaseSpec { Version = "v2" },
            Status = new ReleaseStatus
            {
                Verdict = StatusWire.Word(Verdict.Risky),
                RiskScore = 71,
                History = history,
            },
        };
    }

    [Fact]
    public void The_history_comes_back_exactly_as_stored_while_the_head_leaves_it_out()
    {
        var release = DayOld();
        var expected = KubernetesJson.Serialize(release.Status!.History);

        var cached = CachedRelease.Pack(release);

        Assert.Null(cached.Head.Status!.History);
        Assert.Equal(71, cached.Head.Status.RiskScore);
        Assert.Equal(ReleaseHistory.MaxEntries, cached.HistoryCount);
        Assert.Equal(expected, KubernetesJson.Serialize(cached.History()));
        var whole = cached.Unpack();
        Assert.Equal(expected, KubernetesJson.Serialize(whole.Status!.History));
        Assert.Equal("42", whole.Metadata.ResourceVersion);
        Assert.NotNull(release.Status.History); // the caller's object keeps its history
    }

    [Fact]
    public void A_history_packed_from_the_bytes_a_status_write_sent_reads_back_as_the_history_itself()
    {
        var release = DayOld();
        var expected = KubernetesJson.Serialize(release.Status!.History);
        var body = System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(release));

        var sent = WatchHead.HistoryJson(body);
        var cached = CachedRelease.Pack(release, sent);

        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(sent.Span));
        Assert.Equal(expected, KubernetesJson.Serialize(cached.History()));
    }

    [Fact]
    public void ManagedFields_are_not_kept_and_a_release_without_history_is_kept_as_it_is()
    {
        var cached = CachedRelease.Pack(DayOld());
        Assert.Null(cached.Head.Metadata.ManagedFields);

        var fresh = new Release
        {
            Metadata = new V1ObjectMeta { Name = "new", NamespaceProperty = "shop" },
        };
        var packed = CachedRelease.Pack(fresh);
        Assert.Same(fresh, packed.Unpack());
        Assert.Empty(packed.History());
    }
}
