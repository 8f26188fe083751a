using System.Text;
using System.Text.Json;
using k8s;
using ReleaseRadar.Analysis.State;
using ReleaseRadar.Api;
using ReleaseRadar.Operator.Store.Fast;

namespace ReleaseRadar.UnitTests.Operator;

public sealed class HistoryJsonTests
{
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<HistoryEntry> EntryInfo =
        ReleaseJsonContext.Kubernetes<HistoryEntry>();

    private static string Written(ReleaseStatus status, HistoryJson? reuse) =>
        Encoding.UTF8.GetString(ReleaseResource.Serialize(new Release { Status = status }, reuse).Json);

    [Fact]
    public void A_status_written_through_the_typed_state_reuses_every_entry_it_kept_and_matches_formatting_it_again()
    {
        var release = CachedReleaseTests.DayOld();
        // Below the bound, so appending thins nothing: every entry read is kept.
        var read = HistoryJson.Read(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(release.Status!.History!.Take(60))), EntryInfo);
        var state = StatusWire.ToState(release.Status! with { History = read.Entries });
        var point = StatusWire.Point(
            new HistoryEntry
            {
                Time = "2026-11-24T08:01:00Z",
                Verdict = "OK",
                RiskScore = 2,
            }
        )!;
        var status = StatusWire.ToWire(state with { History = ReleaseHistory.Append(state.History, point) });

        // Read back through the typed state, each kept entry equals the one read: the write copies its bytes.
        Assert.Equal(61, status.History!.Count);
        Assert.Equal(60, status.History.Count(read.Entries.Contains));
        Assert.Equal(Written(status, null), Written(status, read));
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
        var status = new ReleaseStatus { History = [read.Entries[0], read.Entries[1] with { RiskScore = 9 }, new() { Time = "x" }] };

        var copied = Written(status, read);
        var plain = Written(status, null);
        Assert.Equal(3, System.Text.Json.Nodes.JsonNode.Parse(copied)!["status"]!["history"]!.AsArray().Count); // in the status, nowhere else

        Assert.EndsWith(
            "\"history\":"
                + """[{"verdict":"OK","time":"2026-11-24T08:00:00Z","riskScore":1,"future":true},"""
                + """{"time":"2026-11-24T08:01:00Z","verdict":"OK","riskScore":9},{"time":"x"}]}}""",
            copied,
            StringComparison.Ordinal
        );
        Assert.Contains("\"history\":" + """[{"time":"2026-11-24T08:00:00Z","verdict":"OK","riskScore":1},""", plain, StringComparison.Ordinal);
        Assert.Equal(
            KubernetesJson.Serialize(KubernetesJson.Deserialize<Release>(copied)),
            KubernetesJson.Serialize(KubernetesJson.Deserialize<Release>(plain))
        );
    }

    [Fact]
    public void What_is_not_an_array_of_entries_is_refused()
    {
        Assert.Throws<JsonException>(() => HistoryJson.Read("""{"time":"t"}"""u8.ToArray(), EntryInfo));
        Assert.ThrowsAny<JsonException>(() => HistoryJson.Read("""[{"riskScore":"high"}]"""u8.ToArray(), EntryInfo));
    }
}
