namespace RepLens.Rsa.Units;

/// <summary>Overlap of two selections of units or channels of layers of the same shape.</summary>
public static class SelectionOverlap
{
    /// <summary>Jaccard index |A ∩ B| / |A ∪ B| of two ascending, duplicate-free index sets; NaN when both are empty.</summary>
    /// <param name="a">Ascending indices.</param>
    /// <param name="b">Ascending indices.</param>
    /// <exception cref="ArgumentException">A set is not strictly ascending.</exception>
    public static double Jaccard(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        CheckAscending(a, nameof(a));
        CheckAscending(b, nameof(b));
        if (a.Count == 0 && b.Count == 0) return double.NaN;
        int i = 0, j = 0, both = 0;
        while (i < a.Count && j < b.Count)
        {
            if (a[i] == b[j]) { both++; i++; j++; }
            else if (a[i] < b[j]) i++;
            else j++;
        }
        return both / (double)(a.Count + b.Count - both);
    }

    private static void CheckAscending(IReadOnlyList<int> s, string name)
    {
        for (int i = 1; i < s.Count; i++)
            if (s[i] <= s[i - 1]) throw new ArgumentException($"Indices must be strictly ascending; [{i - 1}] = {s[i - 1]}, [{i}] = {s[i]}.", name);
    }
}
