using System.Collections.Concurrent;
using ReleaseRadar.Analysis;
using ReleaseRadar.Analysis.Planning;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Reconcile;

/// <summary>
/// Remembers the last input fetched per release and window, so a reconcile retried after a 409 or a failed status write
/// reuses it instead of querying Prometheus again. The reconciler forgets it once the status is stored: kept for every
/// Release until its next interval, these inputs were the largest per-Release item on the operator's heap.
/// </summary>
internal sealed class MemoizingMetricSource(IReleaseMetricSource inner) : IReleaseMetricSource
{
    private readonly ConcurrentDictionary<string, (string Window, AnalysisInput Input)> _last = new();

    public async Task<AnalysisInput> FetchAsync(ReleasePlan plan, AnalysisWindows windows, CancellationToken cancellationToken)
    {
        var window = $"{windows.BaselineStart:O}|{windows.CurrentStart:O}|{windows.CurrentEnd:O}|{plan.QueryIdentity()}";
        if (_last.TryGetValue(plan.Key, out var hit) && hit.Window == window)
            return hit.Input;
        var input = await inner.FetchAsync(plan, windows, cancellationToken).ConfigureAwait(false);
        _last[plan.Key] = (window, input);
        return input;
    }

    public void Forget(string key) => _last.TryRemove(key, out _);
}
