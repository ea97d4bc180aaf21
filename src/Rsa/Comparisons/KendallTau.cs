namespace RepLens.Rsa.Comparisons;

/// <summary>
/// Kendall's τ-a in O(n log n) by Knight's (1966) algorithm: sort by x (then y), count the
/// discordant pairs as the swaps of a merge sort of y, and correct for ties.
/// Knight, W. R. (1966). A computer method for calculating Kendall's tau with ungrouped data.
/// JASA 61(314), 436–439. doi:10.1080/01621459.1966.10480879
/// </summary>
internal static class KendallTau
{
    /// <summary>τ-a of two equally long vectors without NaN; NaN when n &lt; 2.</summary>
    public static double TauA(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length;
        if (n < 2) return double.NaN;
        var xs = x.ToArray();
        var ys = y.ToArray();
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int c = xs[a].CompareTo(xs[b]);
            return c != 0 ? c : ys[a].CompareTo(ys[b]);
        });
        var sx = new double[n];
        var sy = new double[n];
        for (int i = 0; i < n; i++) { sx[i] = xs[order[i]]; sy[i] = ys[order[i]]; }

        // Pairs tied in x (n1) and tied in both (n3).
        long tiedX = 0, tiedXY = 0;
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && sx[j] == sx[i]) j++;
            long t = j - i;
            tiedX += t * (t - 1) / 2;
            for (int k = i; k < j;)
            {
                int l = k + 1;
                while (l < j && sy[l] == sy[k]) l++;
                long u = l - k;
                tiedXY += u * (u - 1) / 2;
                k = l;
            }
            i = j;
        }

        // Discordant pairs = swaps needed to sort y (stable merge sort; equal y are not swapped).
        long swaps = MergeSortCountingSwaps(sy, new double[n]);

        // Pairs tied in y (n2), y now sorted.
        long tiedY = 0;
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && sy[j] == sy[i]) j++;
            long t = j - i;
            tiedY += t * (t - 1) / 2;
            i = j;
        }

        long total = (long)n * (n - 1) / 2;
        // Concordant + discordant = total − tiedX − tiedY + tiedXY; discordant = swaps.
        long concordantMinusDiscordant = total - tiedX - tiedY + tiedXY - 2 * swaps;
        return concordantMinusDiscordant / (double)total;
    }

    /// <summary>Bottom-up merge sort of <paramref name="a"/>; returns the number of inversions (strictly greater before smaller).</summary>
    private static long MergeSortCountingSwaps(double[] a, double[] buffer)
    {
        int n = a.Length;
        long swaps = 0;
        var src = a;
        var dst = buffer;
        for (int width = 1; width < n; width *= 2)
        {
            for (int lo = 0; lo < n; lo += 2 * width)
            {
                int mid = Math.Min(lo + width, n), hi = Math.Min(lo + 2 * width, n);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi)
                {
                    if (src[j] < src[i])
                    {
                        swaps += mid - i;
                        dst[k++] = src[j++];
                    }
                    else
                    {
                        dst[k++] = src[i++];
                    }
                }
                while (i < mid) dst[k++] = src[i++];
                while (j < hi) dst[k++] = src[j++];
            }
            (src, dst) = (dst, src);
        }
        if (!ReferenceEquals(src, a)) Array.Copy(src, a, n);
        return swaps;
    }
}
