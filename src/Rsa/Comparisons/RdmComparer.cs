using RepLens.Abstractions;

namespace RepLens.Rsa.Comparisons;

/// <summary>
/// Compares two RDMs on their condensed upper triangles (N(N−1)/2 dissimilarities each), NaN-aware:
/// a pair that is NaN in either RDM is left out of both. The result is NaN when fewer than two pairs
/// remain or when one side is constant over the remaining pairs (a correlation is then undefined).
/// Nili et al. (2014), A toolbox for representational similarity analysis,
/// doi:10.1371/journal.pcbi.1003553.
/// </summary>
public static class RdmComparer
{
    /// <summary>
    /// Compares two RDMs over the same stimuli. If <paramref name="b"/> lists the same ids in
    /// another order it is reordered to <paramref name="a"/>'s order first.
    /// </summary>
    /// <param name="a">First RDM.</param>
    /// <param name="b">Second RDM.</param>
    /// <param name="method">The comparison.</param>
    /// <returns>The similarity (ρ, r, τ-a or cosine), or NaN if undefined.</returns>
    /// <exception cref="ArgumentException">The RDMs are over different stimuli.</exception>
    public static double Compare(Rdm a, Rdm b, ComparisonMethod method)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Compare(a.Condensed, Align(a, b).Condensed, method);
    }

    /// <summary>Compares two condensed dissimilarity vectors of equal length.</summary>
    /// <param name="a">First vector (e.g. <see cref="Rdm.Condensed"/>).</param>
    /// <param name="b">Second vector.</param>
    /// <param name="method">The comparison.</param>
    /// <returns>The similarity, or NaN if undefined.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Compare(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ComparisonMethod method)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"Cannot compare condensed RDMs of {a.Length} and {b.Length} values.");
        double[]? fa = null, fb = null;
        if (HasNaN(a) || HasNaN(b))
        {
            (fa, fb) = DropNaNPairs(a, b);
            a = fa;
            b = fb;
        }
        if (a.Length < 2) return double.NaN;
        return method switch
        {
            ComparisonMethod.Pearson => Pearson(a, b),
            ComparisonMethod.Spearman => Pearson(Ranking.Average(a), Ranking.Average(b)),
            ComparisonMethod.KendallTauA => KendallTau.TauA(a, b),
            ComparisonMethod.Cosine => Cosine(a, b),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown comparison method."),
        };
    }

    /// <summary>
    /// <paramref name="b"/> in the stimulus order of <paramref name="a"/>.
    /// </summary>
    /// <param name="a">The RDM whose order is wanted.</param>
    /// <param name="b">An RDM over the same stimuli.</param>
    /// <exception cref="ArgumentException">The two RDMs are not over the same stimuli.</exception>
    public static Rdm Align(Rdm a, Rdm b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Ids.SequenceEqual(b.Ids, StringComparer.Ordinal)) return b;
        if (a.Count != b.Count || !a.Ids.ToHashSet(StringComparer.Ordinal).SetEquals(b.Ids))
        {
            var missing = a.Ids.Except(b.Ids, StringComparer.Ordinal).Take(5).ToList();
            var extra = b.Ids.Except(a.Ids, StringComparer.Ordinal).Take(5).ToList();
            throw new ArgumentException(
                $"The RDMs are over different stimuli ({a.Metric}: {a.Count}, {b.Metric}: {b.Count})" +
                (missing.Count > 0 ? $"; only in the first: {string.Join(", ", missing)}" : "") +
                (extra.Count > 0 ? $"; only in the second: {string.Join(", ", extra)}" : "") + ".");
        }
        return b.Select(a.Ids);
    }

    internal static bool HasNaN(ReadOnlySpan<double> v)
    {
        foreach (var x in v) if (double.IsNaN(x)) return true;
        return false;
    }

    internal static (double[], double[]) DropNaNPairs(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int keep = 0;
        for (int i = 0; i < a.Length; i++) if (!double.IsNaN(a[i]) && !double.IsNaN(b[i])) keep++;
        var fa = new double[keep];
        var fb = new double[keep];
        for (int i = 0, k = 0; i < a.Length; i++)
        {
            if (double.IsNaN(a[i]) || double.IsNaN(b[i])) continue;
            fa[k] = a[i];
            fb[k++] = b[i];
        }
        return (fa, fb);
    }

    /// <summary>Two-pass Pearson r in float64.</summary>
    internal static double Pearson(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) return double.NaN;
        return Math.Clamp(sab / Math.Sqrt(saa * sbb), -1, 1);
    }

    internal static double Cosine(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        if (aa == 0 || bb == 0) return double.NaN;
        return Math.Clamp(ab / Math.Sqrt(aa * bb), -1, 1);
    }
}
