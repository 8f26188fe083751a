using System.Text;
using System.Text.Json;
using k8s;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Status;
using ReleaseRadar.UnitTests.Operator;

namespace ReleaseRadar.UnitTests.Core;

public sealed class HistoryJsonTests
{
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<HistoryEntry> EntryInfo =
        ReleaseJsonContext.Kubernetes<HistoryEntry>();

    [Fact]
    public void A_status_written_from_a_history_read_is_byte_for_byte_what_formatting_it_again_gives()
    {
        var release = CachedReleaseTests.DayOld();
        var read = HistoryJson.Read(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(release.Status!.History)), EntryInfo);
        var next = ReleaseHistory.Append(
            read.Entries,
            new HistoryEntry
            {
                Time = "2026-11-24T08:01:00Z",
                Verdict = "OK",
                RiskScore = 2,
            }
        );
        release.Status = release.Status with { History = next };

        var formatted = KubernetesJson.Serialize(release);
        string copied;
        using (read.Reusing())
            copied = KubernetesJson.Serialize(release);

        Assert.Equal(formatted, copied);
    }

    [Fact]
    public void Entries_kept_are_copied_as_read_and_entries_changed_or_added_are_formatted()
    {
        // As an API server may send it: keys in its own order, a field this version does not know.
        const string json = """
            [{"verdict":"OK","time":"2026-11-24T08:00:00Z","riskScore":1,"future":true},
             {"verdict":"OK","time":"2026-11-24T08:01:00Z","riskScore":2}]
            """;
        var read = HistoryJson.Read(Encoding.UTF8.GetBytes(json), EntryInfo);
        var history = new List<HistoryEntry>
        {
            read.Entries[0],
            read.Entries[1] with
            {
                RiskScore = 9,
            },
            new() { Time = "x" },
        };
        var status = new ReleaseStatus { History = history };

        string copied;
        using (read.Reusing())
            copied = KubernetesJson.Serialize(status);
        var plain = KubernetesJson.Serialize(status);

        Assert.Equal(
            """{"history":[{"verdict":"OK","time":"2026-11-24T08:00:00Z","riskScore":1,"future":true},"""
                + """{"time":"2026-11-24T08:01:00Z","verdict":"OK","riskScore":9},{"time":"x"}]}""",
            copied
        );
        Assert.StartsWith("""{"history":[{"time":"2026-11-24T08:00:00Z","verdict":"OK","riskScore":1},""", plain, StringComparison.Ordinal);
        Assert.Equal(KubernetesJson.Serialize(KubernetesJson.Deserialize<ReleaseStatus>(copied)), plain); // the same values either way
    }

    [Fact]
    public void The_scope_ends_with_its_using_and_does_not_reach_other_threads()
    {
        var read = HistoryJson.Read("""[{"riskScore":1,"time":"t"}]"""u8.ToArray(), EntryInfo);
        var status = new ReleaseStatus { History = [read.Entries[0]] };

        var elsewhere = "";
        using (read.Reusing())
        {
            var other = new Thread(() => elsewhere = KubernetesJson.Serialize(status));
            other.Start();
            other.Join();
        }
        var after = KubernetesJson.Serialize(status);

        Assert.Equal("""{"history":[{"time":"t","riskScore":1}]}""", elsewhere);
        Assert.Equal(elsewhere, after);
    }

    [Fact]
    public void What_is_not_an_array_of_entries_is_refused()
    {
        Assert.Throws<JsonException>(() => HistoryJson.Read("""{"time":"t"}"""u8.ToArray(), EntryInfo));
        Assert.ThrowsAny<JsonException>(() => HistoryJson.Read("""[{"riskScore":"high"}]"""u8.ToArray(), EntryInfo));
    }
}
