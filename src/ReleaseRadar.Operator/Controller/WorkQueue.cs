namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// A keyed work queue in the manner of client-go's: a key waits in the queue at most once however often it is added,
/// a key being processed is never handed to a second worker, and a key added while being processed is queued again
/// when the worker is done. Delayed adds keep only the earliest due time per key.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Naming",
    "CA1711:Identifiers should not have incorrect suffix",
    Justification = "It is a queue, named after client-go's workqueue, whose semantics it follows"
)]
internal sealed class WorkQueue<T>(TimeProvider clock) : IDisposable
    where T : notnull
{
    private readonly object _gate = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _queued = [];
    private readonly HashSet<T> _processing = [];
    private readonly HashSet<T> _dirty = [];
    private readonly Dictionary<T, (DateTimeOffset Due, ITimer Timer)> _delayed = [];
    private readonly Dictionary<T, int> _failures = [];
    private readonly SemaphoreSlim _available = new(0);
    private bool _shutdown;

    public int Length
    {
        get
        {
            lock (_gate)
                return _queue.Count;
        }
    }
    public int Delayed
    {
        get
        {
            lock (_gate)
                return _delayed.Count;
        }
    }

    public void Add(T key)
    {
        lock (_gate)
        {
            if (_shutdown)
                return;
            if (_processing.Contains(key))
            {
                _dirty.Add(key);
                return;
            }
            if (!_queued.Add(key))
                return;
            _queue.Enqueue(key);
        }
        _available.Release();
    }

    public void AddAfter(T key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_gate)
        {
            if (_shutdown)
                return;
            var due = clock.GetUtcNow() + delay;
            if (_delayed.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                    return;
                existing.Timer.Dispose();
            }
            var timer = clock.CreateTimer(_ => Fire(key, due), null, delay, Timeout.InfiniteTimeSpan);
            _delayed[key] = (due, timer);
        }
    }

    /// <summary>Re-adds a failed key with exponential backoff (1 s doubling to 5 min), so a broken object cannot loop hot.</summary>
    public TimeSpan AddRateLimited(T key) => AddRateLimited(key, TimeSpan.FromSeconds(1));

    /// <summary>
    /// Re-adds a key with exponential backoff from <paramref name="first"/>, doubling per failure of that key up to 5 min.
    /// A 409 Conflict starts lower than a failure, as controller-runtime's rate limiter does: it is resolved by reading
    /// again, not by waiting.
    /// </summary>
    public TimeSpan AddRateLimited(T key, TimeSpan first)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var n = _failures[key] = _failures.GetValueOrDefault(key) + 1;
            delay = TimeSpan.FromTicks((long)Math.Min(TimeSpan.FromMinutes(5).Ticks, first.Ticks * Math.Pow(2, Math.Min(n - 1, 30))));
        }
        AddAfter(key, delay);
        return delay;
    }

    public void Forget(T key)
    {
        lock (_gate)
            _failures.Remove(key);
    }

    public async Task<T?> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (_queue.Count == 0)
                    continue;
                var key = _queue.Dequeue();
                _queued.Remove(key);
                _processing.Add(key);
                return key;
            }
        }
    }

    public void Done(T key)
    {
        var requeue = false;
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Remove(key) && !_shutdown && _queued.Add(key))
            {
                _queue.Enqueue(key);
                requeue = true;
            }
        }
        if (requeue)
            _available.Release();
    }

    private void Fire(T key, DateTimeOffset due)
    {
        lock (_gate)
        {
            if (!_delayed.TryGetValue(key, out var entry) || entry.Due != due)
                return;
            entry.Timer.Dispose();
            _delayed.Remove(key);
        }
        Add(key);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _shutdown = true;
            foreach (var (_, (_, timer)) in _delayed)
                timer.Dispose();
            _delayed.Clear();
        }
    }
}
