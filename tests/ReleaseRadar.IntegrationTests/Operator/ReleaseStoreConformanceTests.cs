using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseRadar.Api;
using ReleaseRadar.Operator;
using ReleaseRadar.Operator.Store;
using ReleaseRadar.Operator.Store.Fast;

namespace ReleaseRadar.IntegrationTests.Operator;

/// <summary>The plain store against the API test server: the reference the packed one must match.</summary>
public sealed class PlainReleaseStoreConformanceTests : ReleaseStoreConformanceTests
{
    private protected override IReleaseStore Create(IKubernetes client, string? ns) =>
        new PlainReleaseStore(client, ns, new OperatorMetrics(), NullLogger.Instance, TimeSpan.FromSeconds(30));
}

/// <summary>The packed store (histories Brotli-packed, the watch read by its head, our echo left unread): the same contract.</summary>
public sealed class PackedReleaseStoreConformanceTests : ReleaseStoreConformanceTests
{
    private protected override IReleaseStore Create(IKubernetes client, string? ns) =>
        new PackedReleaseStore(client, ns, new OperatorMetrics(), NullLogger.Instance, TimeSpan.FromSeconds(30));
}

/// <summary>
/// The contract of <see cref="IReleaseStore"/>, run against each implementation and the API test server: what it caches,
/// which changes it hands to the queue (never the echo of its own write), how a write and a conflict end, and how it
/// heals after the watch's history is gone.
/// </summary>
public abstract class ReleaseStoreConformanceTests : IAsyncLifetime
{
    private OperatorHarness _h = null!;
    private IKubernetes _client = null!;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _enqueued = new();
    private Task? _running;

    private protected abstract IReleaseStore Create(IKubernetes client, string? ns);

    public async ValueTask InitializeAsync()
    {
        _h = await OperatorHarness.StartAsync();
        _client = _h.Client();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
            await _running.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _client.Dispose();
        await _h.DisposeAsync();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    private static string ReleaseJson(string name, int history = 0) =>
        new JsonObject
        {
            ["apiVersion"] = Release.ApiVersionValue,
            ["kind"] = Release.KindName,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["version"] = "v2",
                ["deployedAt"] = "2026-11-23T14:00:00Z",
                ["selector"] = new JsonObject { ["service"] = "checkout" },
            },
        }.ToJsonString();

    private async Task<IReleaseStore> StartAsync(string? ns = null)
    {
        var store = Create(_client, ns);
        store.Attach(_enqueued.Enqueue);
        _running = store.RunAsync(_stop.Token);
        await WaitAsync(() => store.Synced, "the store never synced");
        return store;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition() && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(condition(), what);
    }

    /// <summary>Keys enqueued since the last call.</summary>
    private List<string> Drain()
    {
        var keys = new List<string>();
        while (_enqueued.TryDequeue(out var k))
            keys.Add(k);
        return keys;
    }

    private static ReleaseStatus Status(int score, int history) =>
        new()
        {
            Phase = "Analyzing",
            Verdict = "OK",
            RiskScore = score,
            History =
            [
                .. Enumerable
                    .Range(0, history)
                    .Select(i => new HistoryEntry
                    {
                        Time = $"2026-11-23T14:{i % 60:00}:00Z",
                        Verdict = "OK",
                        RiskScore = i % 7,
                        ErrorRate = 0.001 * i,
                    }),
            ],
        };

    /// <summary>A merge patch of shop/<paramref name="name"/> by someone else, of its status or of the object.</summary>
    private async Task PatchAsync(string name, string json, bool status = false)
    {
        var patch = new k8s.Models.V1Patch(json, k8s.Models.V1Patch.PatchType.MergePatch);
        var ct = TestContext.Current.CancellationToken;
        _ = status
            ? await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                patch,
                Release.Group,
                Release.Version,
                "shop",
                Release.Plural,
                name,
                cancellationToken: ct
            )
            : await _client.CustomObjects.PatchNamespacedCustomObjectAsync(
                patch,
                Release.Group,
                Release.Version,
                "shop",
                Release.Plural,
                name,
                cancellationToken: ct
            );
    }

    [Fact]
    public async Task It_lists_every_Release_hands_each_to_the_queue_and_serves_them_without_history()
    {
        _h.Apply("releases", "shop", ReleaseJson("a"));
        _h.Apply("releases", "shop", ReleaseJson("b"));
        var store = await StartAsync();

        Assert.Equal(2, store.Count);
        Assert.Equal(["shop/a", "shop/b"], Drain().Order());
        var loaded = store.Load("shop/a")!;
        Assert.Equal("a", loaded.Release.Metadata.Name);
        Assert.Null(store.Load("shop/nope"));
        Assert.Null(await store.ReadAsync("shop/nope", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_status_write_is_cached_with_its_history_and_its_echo_is_not_enqueued()
    {
        _h.Apply("releases", "shop", ReleaseJson("a"));
        var store = await StartAsync();
        Drain();
        var loaded = store.Load("shop/a")!;

        var stored = await store.WriteStatusAsync(loaded, Status(41, 90), TestContext.Current.CancellationToken);

        Assert.NotNull(stored);
        Assert.NotEqual(loaded.Release.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
        // The echo arrives on the watch; give it time to be (not) enqueued, then check the cache holds the written version.
        await WaitAsync(() => store.Load("shop/a")!.Release.Metadata.ResourceVersion == stored.Metadata.ResourceVersion, "the write is cached");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty(Drain());
        var again = store.Load("shop/a")!.Release;
        Assert.Equal(41, again.Status!.RiskScore);
        Assert.Equal(90, again.Status.History!.Count);
        Assert.Equal(90, store.History("shop/a")!.Count);
        Assert.Null(Assert.Single(store.Items).Status!.History); // listings carry no history
        var server = _h.Get("releases", "shop", "a");
        Assert.True(server["status"]?["history"] is not null, server.ToJsonString());
        Assert.Equal(90, server["status"]!["history"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_write_from_a_stale_load_conflicts_and_the_other_writers_status_is_cached()
    {
        _h.Apply("releases", "shop", ReleaseJson("a"));
        var store = await StartAsync();
        var stale = store.Load("shop/a")!;
        var theirs = await store.WriteStatusAsync(stale, Status(7, 3), TestContext.Current.CancellationToken);
        Assert.NotNull(theirs);

        var ours = await store.WriteStatusAsync(stale, Status(99, 4), TestContext.Current.CancellationToken);

        Assert.Null(ours); // 409: the resourceVersion loaded is no longer the stored one
        await WaitAsync(() => store.Load("shop/a")!.Release.Status?.RiskScore == 7, "the other write stays cached");
        var fresh = await store.ReadAsync("shop/a", TestContext.Current.CancellationToken);
        Assert.Equal(theirs.Metadata.ResourceVersion, fresh!.Release.Metadata.ResourceVersion);
        Assert.NotNull(await store.WriteStatusAsync(fresh, Status(99, 4), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Spec_changes_reanalyze_requests_and_deletions_are_enqueued_but_status_changes_are_not()
    {
        _h.Apply("releases", "shop", ReleaseJson("a"));
        var store = await StartAsync();
        Drain();
        var ct = TestContext.Current.CancellationToken;

        // Someone else's status write: cached, not enqueued (the Release's next interval or the resync picks it up).
        await PatchAsync("a", """{"status":{"riskScore":5}}""", status: true);
        await WaitAsync(() => store.Load("shop/a")?.Release.Status?.RiskScore == 5, "a status change is cached");
        Assert.Empty(Drain());

        await PatchAsync("a", """{"spec":{"version":"v3"}}""");
        await WaitAsync(() => _enqueued.Contains("shop/a"), "a spec change is enqueued");
        Assert.Equal("v3", store.Load("shop/a")!.Release.Spec.Version);
        Drain();

        await PatchAsync("a", """{"metadata":{"annotations":{"releaseradar.io/reanalyze":"1"}}}""");
        await WaitAsync(() => _enqueued.Contains("shop/a"), "a reanalyze request is enqueued");
        Drain();

        _h.Apply("releases", "shop", ReleaseJson("b"));
        await WaitAsync(() => _enqueued.Contains("shop/b") && store.Count == 2, "a new Release is cached and enqueued");

        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(
            Release.Group,
            Release.Version,
            "shop",
            Release.Plural,
            "a",
            cancellationToken: ct
        );
        await WaitAsync(() => store.Load("shop/a") is null && _enqueued.Contains("shop/a"), "a deletion is dropped and enqueued");
    }

    [Fact]
    public async Task After_the_watch_history_is_gone_it_relists_and_forgets_what_was_deleted_meanwhile()
    {
        _h.Apply("releases", "shop", ReleaseJson("a"));
        _h.Apply("releases", "shop", ReleaseJson("b"));
        var store = await StartAsync();
        Drain();

        // While no watch is open: one deleted, one created, and the event log compacted, so resuming gets 410 Gone.
        _h.Api.Store.DropWatches();
        _h.Api.Store.Delete(_h.Api.Type(Release.Group, Release.Version, Release.Plural), "shop", "a");
        _h.Apply("releases", "shop", ReleaseJson("c"));
        _h.Api.Store.Compact();
        _h.Api.Store.DropWatches();

        await WaitAsync(() => store.Load("shop/a") is null && store.Load("shop/c") is not null, "the relist brings the cache up to date");
        Assert.Equal(2, store.Count);
        Assert.Contains("shop/a", Drain()); // the deletion reaches the queue too
    }

    [Fact]
    public async Task A_namespaced_store_covers_only_its_namespace()
    {
        _h.Apply("releases", "shop", ReleaseJson("a"));
        _h.Apply("releases", "billing", ReleaseJson("b"));
        var store = await StartAsync("billing");

        Assert.True(store.Covers("billing/b"));
        Assert.False(store.Covers("shop/a"));
        Assert.Equal(["billing/b"], store.Items.Select(r => r.Key));
    }
}
