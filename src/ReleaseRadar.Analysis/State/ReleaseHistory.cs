using System.Collections.Immutable;

namespace ReleaseRadar.Analysis.State;

/// <summary>
/// The release's timeline, one point per analysis interval. Bounded: once it outgrows <see cref="MaxEntries"/>, older points
/// are thinned two-into-one, except verdict transitions and the first point, which are the points a post-mortem needs.
/// A Release analysed for days therefore stays a few kilobytes, far below etcd's object size limit.
/// </summary>
public static class ReleaseHistory
{
    public const int MaxEntries = 120;

    /// <summary>Adds a point, replacing one at the same time: re-running an analysis after a restart never duplicates it.</summary>
    public static ImmutableArray<TimelinePoint> Append(ImmutableArray<TimelinePoint> history, TimelinePoint point, int maxEntries = MaxEntries)
    {
        var list = history.IsDefault ? [] : history.ToList();
        var same = list.FindIndex(e => e.At == point.At);
        if (same >= 0)
            list[same] = point;
        else
        {
            list.Add(point);
            list.Sort((a, b) => a.At.CompareTo(b.At));
        }
        return [.. Compact(list, maxEntries)];
    }

    public static List<TimelinePoint> Compact(List<TimelinePoint> list, int maxEntries)
    {
        while (list.Count > maxEntries)
        {
            // Thin the older half; the recent half stays at full resolution.
            var cutoff = list.Count / 2;
            var thinned = new List<TimelinePoint>(list.Count);
            var removed = false;
            for (var i = 0; i < list.Count; i++)
            {
                var e = list[i];
                var mergeable =
                    i > 0 && i < cutoff && !removed && i + 1 < list.Count && list[i - 1].Verdict == e.Verdict && list[i + 1].Verdict == e.Verdict;
                if (mergeable)
                {
                    // Fold this point into the next one so the counts still add up.
                    list[i + 1] = list[i + 1] with
                    {
                        Merged = (list[i + 1].Merged ?? 1) + (e.Merged ?? 1),
                    };
                    removed = true;
                    continue;
                }
                removed = false;
                thinned.Add(e);
            }
            if (thinned.Count == list.Count)
                thinned.RemoveAt(1); // only transitions left: drop the oldest after the first
            list = thinned;
        }
        return list;
    }
}
