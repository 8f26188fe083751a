namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// Asks a running <see cref="ListWatchLoop"/> for a fresh list: the watch in progress ends, and the loop lists before it
/// watches again. A watch alone cannot see every state loss: after an etcd restore, writes made before the watch resumes
/// raise the server's resourceVersion past ours, and the watch then resumes silently past objects it never saw. Only a
/// list finds those, and drops the ghosts the restore left in the cache.
/// </summary>
internal sealed class RelistSignal
{
    private volatile bool _requested;
    private CancellationTokenSource? _watching;
    private readonly object _gate = new();

    public void Request()
    {
        _requested = true;
        lock (_gate)
            _watching?.Cancel();
    }

    /// <summary>Whether a list was asked for since the last call.</summary>
    internal bool Take()
    {
        var requested = _requested;
        _requested = false;
        return requested;
    }

    /// <summary>The watch now running (null: none), which <see cref="Request"/> ends.</summary>
    internal void Watching(CancellationTokenSource? watch)
    {
        lock (_gate)
            _watching = watch;
    }
}
