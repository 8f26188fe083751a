using System.Net;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using ReleaseRadar.Operator.Controller;

namespace ReleaseRadar.UnitTests.Operator;

/// <summary>When the list-watch loop lists again and where it resumes: scripted watches, no API server.</summary>
public sealed class ListWatchLoopTests
{
    /// <summary>One scripted watch: the events it delivers (as resourceVersions), then how it ends.</summary>
    private sealed record Script(string[] Events, Exception? ErrorReported = null, Exception? Thrown = null);

    private sealed class Recorder
    {
        public int Lists;
        public readonly List<string> WatchedFrom = [];
        public readonly List<string> Restarts = [];
    }

    private static async Task<Recorder> Run(params Script[] scripts)
    {
        var rec = new Recorder();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var next = 0;
        await ListWatchLoop.RunAsync<string>(
            _ => Task.FromResult($"list{++rec.Lists}"),
            (version, onError, ct) => Watch(version, onError, ct),
            (_, item, _) => Task.FromResult<string?>(item),
            "things",
            NullLogger.Instance,
            rec.Restarts.Add,
            cts.Token
        );
        if (rec.Restarts.Count > scripts.Length)
            rec.Restarts.RemoveAt(rec.Restarts.Count - 1); // the watch that ended the test
        return rec;

        async IAsyncEnumerable<(WatchEventType, string)> Watch(
            string version,
            Action<Exception> onError,
            [EnumeratorCancellation] CancellationToken ct
        )
        {
            if (next >= scripts.Length)
            {
                await cts.CancelAsync();
                yield break;
            }
            rec.WatchedFrom.Add(version);
            var script = scripts[next++];
            foreach (var e in script.Events)
                yield return (WatchEventType.Modified, e);
            if (script.ErrorReported is { } reported)
            {
                onError(reported);
                yield return (WatchEventType.Modified, "after-error"); // what the client may still hand over; must be ignored
            }
            if (script.Thrown is { } thrown)
                throw thrown;
            await Task.Yield();
        }
    }

    private static HttpOperationException Http(HttpStatusCode code) =>
        new($"HTTP {(int)code}") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), "") };

    [Fact]
    public async Task A_closed_watch_resumes_from_the_last_event_without_listing_again()
    {
        var rec = await Run(new Script(["7", "8"]), new Script(["9"]));
        Assert.Equal(1, rec.Lists);
        Assert.Equal(["list1", "8"], rec.WatchedFrom); // the second watch starts after event 8
        Assert.Equal(["closed", "closed"], rec.Restarts);
    }

    [Fact]
    public async Task A_410_reported_out_of_band_forces_a_fresh_list_and_skips_what_followed()
    {
        var gone = new KubernetesException(new V1Status { Code = 410, Message = "too old resource version: 5 (9)" });
        var rec = await Run(new Script(["5"], ErrorReported: gone), new Script([]));
        Assert.Equal(2, rec.Lists);
        Assert.Equal(["list1", "list2"], rec.WatchedFrom);
        Assert.Equal(["gone", "closed"], rec.Restarts);
    }

    [Fact]
    public async Task A_thrown_410_relists_but_a_500_resumes_where_it_was()
    {
        var rec = await Run(
            new Script(["5"], Thrown: Http(HttpStatusCode.Gone)),
            new Script(["6"], Thrown: Http(HttpStatusCode.InternalServerError)),
            new Script([])
        );
        Assert.Equal(2, rec.Lists);
        Assert.Equal(["list1", "list2", "6"], rec.WatchedFrom);
        Assert.Equal(["error", "error", "closed"], rec.Restarts);
    }

    [Fact]
    public async Task An_event_the_client_could_not_read_is_not_skipped_silently_the_loop_lists_again()
    {
        // What the client reports when an event does not deserialize (as a native build missing a type's metadata did).
        var unreadable = new System.Text.Json.JsonException("The JSON value could not be converted to k8s.WatchEventType");
        var rec = await Run(new Script(["5"], ErrorReported: unreadable), new Script([]));
        Assert.Equal(2, rec.Lists); // the event is lost from the stream, so only a fresh list is consistent
        Assert.Equal(["list1", "list2"], rec.WatchedFrom);
        Assert.Equal(["error", "closed"], rec.Restarts);
    }
}
