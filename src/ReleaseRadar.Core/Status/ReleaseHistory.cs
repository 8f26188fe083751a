using ReleaseRadar.Core.Model;

namespace ReleaseRadar.Core.Status;

/// <summary>
/// The release's timeline, one entry per analysis interval. Bounded: once it outgrows <see cref="MaxEntries"/>, older entries
/// are thinned two-into-one, except verdict transitions and the first entry, which are the points a post-mortem needs.
/// A Release analysed for days therefore stays a few kilobytes, far below etcd's object size limit.
/// </summary>
public static class ReleaseHistory
{
    public const int MaxEntries = 120;

    /// <summary>Adds an entry, replacing one at the same time: re-running an analysis after a restart never duplicates it.</summary>
    public static List<HistoryEntry> Append(IEnumerable<HistoryEntry>? history, HistoryEntry entry, int maxEntries = MaxEntries)
    {
        var list = history?.ToList() ?? [];
        var same = list.FindIndex(e => e.Time == entry.Time);
        if (same >= 0)
            list[same] = entry;
        else
        {
            list.Add(entry);
            list.Sort((a, b) => string.CompareOrdinal(a.Time, b.Time));
        }
        return Compact(list, maxEntries);
    }

    public static List<HistoryEntry> Compact(List<HistoryEntry> list, int maxEntries)
    {
        while (list.Count > maxEntries)
        {
            // Thin the older half; the recent half stays at full resolution.
            var cutoff = list.Count / 2;
            var thinned = new List<HistoryEntry>(list.Count);
            var removed = false;
            for (var i = 0; i < list.Count; i++)
            {
                var e = list[i];
                var mergeable =
                    i > 0 && i < cutoff && !removed && i + 1 < list.Count && list[i - 1].Verdict == e.Verdict && list[i + 1].Verdict == e.Verdict;
                if (mergeable)
                {
                    // Fold this entry into the next one so the counts still add up.
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
