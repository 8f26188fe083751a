using k8s.Models;
using ReleaseRadar.Api;
using ReleaseRadar.Operator.Store;

namespace ReleaseRadar.UnitTests.Operator;

public sealed class StatusSealTests
{
    private static readonly byte[] Key = "a key of thirty-two bytes, or so"u8.ToArray();

    private static Release Stored(ReleaseStatus status, string uid = "uid-1", string version = "7") =>
        new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = "checkout-v2",
                NamespaceProperty = "shop",
                Uid = uid,
                ResourceVersion = version,
            },
            Status = status,
        };

    private static readonly ReleaseStatus Judged = new()
    {
        Phase = "Completed",
        Verdict = StatusWire.Word(ReleaseRadar.Engine.Verdict.Risky),
        RiskScore = 81,
        History = [new HistoryEntry { Time = "2026-12-06T10:00:00Z", Verdict = StatusWire.Word(ReleaseRadar.Engine.Verdict.Risky) }],
    };

    [Fact]
    public void A_status_sealed_by_the_key_is_trusted_and_any_change_to_it_is_not()
    {
        var seal = new StatusSeal(Key);
        var sealedStatus = seal.Sealed("uid-1", Judged);
        Assert.True(new StatusSeal(Key).Trusts(Stored(sealedStatus)));

        Assert.False(new StatusSeal(Key).Trusts(Stored(sealedStatus with { Verdict = StatusWire.Word(ReleaseRadar.Engine.Verdict.Ok) })));
        Assert.False(new StatusSeal(Key).Trusts(Stored(sealedStatus with { RiskScore = 0 })));
        Assert.False(new StatusSeal(Key).Trusts(Stored(sealedStatus with { History = [] })));
        Assert.False(new StatusSeal(Key).Trusts(Stored(sealedStatus with { Seal = null })));
        // The seal is bound to the Release: copied onto another one (another uid), it does not hold.
        Assert.False(new StatusSeal(Key).Trusts(Stored(sealedStatus, uid: "uid-2")));
        Assert.False(new StatusSeal("another key of thirty-two bytes!"u8.ToArray()).Trusts(Stored(sealedStatus)));
    }

    [Fact]
    public void The_operators_own_write_is_known_by_its_version_and_a_later_version_is_checked_again()
    {
        var seal = new StatusSeal(Key);
        var written = Stored(seal.Sealed("uid-1", Judged), version: "8");
        seal.Wrote(written);
        // Known by version: even a status that would not verify is the one this operator wrote at that version.
        Assert.True(seal.Trusts(Stored(Judged, version: "8")));
        Assert.False(seal.Trusts(Stored(Judged, version: "9")));
        // A Release without a status has nothing to distrust.
        Assert.True(
            seal.Trusts(
                new Release
                {
                    Metadata = new V1ObjectMeta { Uid = "uid-1", ResourceVersion = "10" },
                }
            )
        );
    }

    [Fact]
    public void A_key_shorter_than_16_bytes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new StatusSeal(new byte[8]));
    }
}
