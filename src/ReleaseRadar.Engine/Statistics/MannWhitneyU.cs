using MathNet.Numerics.Distributions;

namespace ReleaseRadar.Engine.Statistics;

/// <summary>
/// One-sided Mann-Whitney U test: do values of <c>x</c> tend to be larger than values of <c>y</c>?
/// Rank-based, so a few extreme steps (a GC pause, a cold cache) cannot carry the result the way they would a t-test.
/// </summary>
public static class MannWhitneyU
{
    // Below this many samples in total, and without ties, the exact null distribution is cheap and more honest than the normal approximation.
    private const int ExactLimit = 40;

    public static double GreaterPValue(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int nx = x.Count,
            ny = y.Count;
        if (nx == 0 || ny == 0)
            return 1.0;

        var all = new (double Value, bool FromX)[nx + ny];
        for (var i = 0; i < nx; i++)
            all[i] = (x[i], true);
        for (var j = 0; j < ny; j++)
            all[nx + j] = (y[j], false);
        Array.Sort(all, (a, b) => a.Value.CompareTo(b.Value));

        double rankSumX = 0,
            tieTerm = 0;
        var hasTies = false;
        for (var i = 0; i < all.Length; )
        {
            var j = i;
            while (j + 1 < all.Length && all[j + 1].Value == all[i].Value)
                j++;
            var midRank = (i + j) / 2.0 + 1.0;
            var t = j - i + 1;
            if (t > 1)
            {
                hasTies = true;
                tieTerm += (double)t * t * t - t;
            }
            for (var k = i; k <= j; k++)
                if (all[k].FromX)
                    rankSumX += midRank;
            i = j + 1;
        }

        var u = rankSumX - nx * (nx + 1) / 2.0;
        if (!hasTies && nx + ny <= ExactLimit)
            return ExactUpperTail(nx, ny, (int)Math.Round(u));

        double n = nx + ny;
        var mean = nx * (double)ny / 2.0;
        var variance = nx * (double)ny / 12.0 * ((n + 1) - tieTerm / (n * (n - 1)));
        if (variance <= 0)
            return 1.0; // every value identical: no evidence either way
        var z = (u - mean - 0.5) / Math.Sqrt(variance);
        return 1.0 - Normal.CDF(0, 1, z);
    }

    /// <summary>P(U >= u) under the null, by counting arrangements (frequencies of U for nx, ny via the standard recurrence).</summary>
    private static double ExactUpperTail(int nx, int ny, int u)
    {
        var maxU = nx * ny;
        // counts[i][j][k]: arrangements of i x-values and j y-values with U == k; rolled to two layers over i.
        var prev = new double[ny + 1][];
        for (var j = 0; j <= ny; j++)
        {
            prev[j] = new double[maxU + 1];
            prev[j][0] = 1;
        }
        for (var i = 1; i <= nx; i++)
        {
            var cur = new double[ny + 1][];
            cur[0] = new double[maxU + 1];
            cur[0][0] = 1;
            for (var j = 1; j <= ny; j++)
            {
                cur[j] = new double[maxU + 1];
                for (var k = 0; k <= i * j; k++)
                {
                    // Largest element is an x (it beats all j y's, adding j to U) or a y (adds nothing).
                    var viaX = k - j >= 0 ? prev[j][k - j] : 0;
                    var viaY = cur[j - 1][k];
                    cur[j][k] = viaX + viaY;
                }
            }
            prev = cur;
        }
        var dist = prev[ny];
        double total = 0,
            tail = 0;
        for (var k = 0; k <= maxU; k++)
        {
            total += dist[k];
            if (k >= u)
                tail += dist[k];
        }
        return total == 0 ? 1.0 : tail / total;
    }
}
