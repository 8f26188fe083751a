namespace ReleaseRadar.Prometheus;

/// <summary>
/// Bounds the answer bytes held at once by all concurrent queries: a reader takes bytes as it reads them and gives them
/// all back once the answer is parsed. A reader that would go over the bound waits, except the oldest one, which always
/// proceeds: so some answer always completes (no deadlock), and the bytes held stay under the bound plus one answer.
/// </summary>
public sealed class AnswerBudget(long limit)
{
    private readonly object _gate = new();
    private readonly SortedSet<long> _readers = [];
    private long _next;
    private long _held;

    public long Limit { get; } = limit;

    /// <summary>The most bytes held at once so far, for the operator's self-metrics.</summary>
    public long PeakHeld
    {
        get
        {
            lock (_gate)
                return _peak;
        }
    }
    private long _peak;

    public Reader Open()
    {
        lock (_gate)
        {
            var id = _next++;
            _readers.Add(id);
            return new Reader(this, id);
        }
    }

    /// <summary>One answer's share. Take is called on the thread that reads the answer, which blocks while the budget is spent.</summary>
    public sealed class Reader(AnswerBudget budget, long id) : IDisposable
    {
        private long _held;
        private bool _closed;

        public void Take(long bytes, CancellationToken cancellationToken)
        {
            lock (budget._gate)
            {
                while (!_closed && budget._held + bytes > budget.Limit && budget._readers.Min != id)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Woken when any reader gives its bytes back; the timeout re-checks cancellation.
                    Monitor.Wait(budget._gate, TimeSpan.FromMilliseconds(200));
                }
                if (_closed)
                    return; // a read after the answer was given up (a late write of a cancelled request) holds nothing
                budget._held += bytes;
                _held += bytes;
                budget._peak = Math.Max(budget._peak, budget._held);
            }
        }

        public void Dispose()
        {
            lock (budget._gate)
            {
                if (_closed)
                    return;
                _closed = true;
                budget._held -= _held;
                budget._readers.Remove(id);
                Monitor.PulseAll(budget._gate);
            }
        }
    }
}
