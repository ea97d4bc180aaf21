using System.Runtime.CompilerServices;
using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;

namespace RepLens.Rsa.Inference;

/// <summary>
/// Stimulus-label permutation test of an RDM comparison: the rows and columns of one RDM are permuted
/// together (the stimulus labels are shuffled), the comparison is recomputed K times, and
/// p = (1 + #{r_perm ≥ r}) / (1 + K) (one-sided: is the relation stronger than chance?).
/// Nili et al. (2014), doi:10.1371/journal.pcbi.1003553; the +1 follows Phipson &amp; Smyth (2010),
/// doi:10.2202/1544-6115.1585.
/// </summary>
/// <remarks>
/// For Spearman, Pearson and cosine on RDMs without NaN, both RDMs are transformed once (ranks, then
/// centred and scaled to unit norm) and each permutation is a gather plus a dot product over
/// N(N−1)/2 pairs, reading the permuted RDM row by row from an (N × N) copy so that the gathers stay
/// in cache; permutations run in parallel. 10,000 permutations at N = 1000 take a few seconds on
/// two cores (see docs/PERFORMANCE.md). Kendall's τ-a, and any comparison with NaN pairs (whose set
/// changes with the permutation), recompute the full comparison per permutation: O(n log n) each,
/// about 50–100 ms at N = 1000, so 10,000 permutations take many minutes.
/// Every permutation draws from its own stream of <see cref="SeededRandom"/>, so the result is the
/// same, bit for bit, for a given seed, however many threads run.
/// </remarks>
public static class PermutationTest
{
    /// <summary>Runs the test, permuting the stimuli of <paramref name="permuted"/>.</summary>
    /// <param name="reference">The fixed RDM (e.g. the model or target).</param>
    /// <param name="permuted">The RDM whose stimulus labels are shuffled; reordered to the reference's ids first.</param>
    /// <param name="method">The comparison.</param>
    /// <param name="permutations">K ≥ 1.</param>
    /// <param name="seed">Seed; the same seed gives the same result.</param>
    /// <param name="maxDegreeOfParallelism">Threads to use; −1 (default) for all cores.</param>
    public static PermutationResult Run(Rdm reference, Rdm permuted, ComparisonMethod method, int permutations, ulong seed,
        int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(permuted);
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        var b = RdmComparer.Align(reference, permuted);
        int n = reference.Count;
        var a = reference.CondensedArray;
        var bv = b.CondensedArray;
        double observed = RdmComparer.Compare(a, bv, method);
        var nullValues = new double[permutations];
        if (double.IsNaN(observed))
        {
            Array.Fill(nullValues, double.NaN);
            return new PermutationResult(observed, double.NaN, permutations, seed, nullValues);
        }
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        bool fast = method != ComparisonMethod.KendallTauA && !RdmComparer.HasNaN(a) && !RdmComparer.HasNaN(bv);
        double threshold;
        if (fast)
        {
            var za = Standardize(a, method);
            var zb = Square(Standardize(bv, method), n);
            var identity = new int[n];
            for (int i = 0; i < n; i++) identity[i] = i;
            threshold = Dot(za, zb, identity, n);
            Parallel.For(0, permutations, parallel, k =>
            {
                var perm = SeededRandom.ForStream(seed, (ulong)k).Permutation(n);
                nullValues[k] = Dot(za, zb, perm, n);
            });
        }
        else
        {
            threshold = observed;
            Parallel.For(0, permutations, parallel,
                () => new double[bv.Length],
                (k, _, buffer) =>
                {
                    var perm = SeededRandom.ForStream(seed, (ulong)k).Permutation(n);
                    PermuteCondensed(bv, perm, n, buffer);
                    nullValues[k] = RdmComparer.Compare(a, buffer, method);
                    return buffer;
                },
                _ => { });
        }
        int exceed = 0;
        foreach (var v in nullValues) if (v >= threshold) exceed++;
        return new PermutationResult(observed, (1.0 + exceed) / (1.0 + permutations), permutations, seed, nullValues);
    }

    /// <summary>The condensed RDM of stimuli reordered by <paramref name="perm"/>: entry (i, j) becomes entry (perm[i], perm[j]).</summary>
    internal static void PermuteCondensed(ReadOnlySpan<double> condensed, ReadOnlySpan<int> perm, int n, Span<double> destination)
    {
        long k = 0;
        for (int i = 0; i < n; i++)
        {
            int pi = perm[i];
            for (int j = i + 1; j < n; j++) destination[(int)k++] = condensed[(int)Rdm.CondensedIndex(n, pi, perm[j])];
        }
    }

    /// <summary>Ranks (Spearman) and centring (Spearman, Pearson), then unit norm: the comparison becomes a dot product.</summary>
    internal static double[] Standardize(double[] v, ComparisonMethod method)
    {
        var z = method == ComparisonMethod.Spearman ? Ranking.Average(v) : (double[])v.Clone();
        if (method != ComparisonMethod.Cosine)
        {
            double mean = 0;
            foreach (var x in z) mean += x;
            mean /= z.Length;
            for (int i = 0; i < z.Length; i++) z[i] -= mean;
        }
        double norm = 0;
        foreach (var x in z) norm += x * x;
        norm = Math.Sqrt(norm);
        for (int i = 0; i < z.Length; i++) z[i] /= norm;
        return z;
    }

    internal static double[] Square(double[] condensed, int n)
    {
        var sq = new double[(long)n * n];
        long k = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                sq[(long)i * n + j] = condensed[k];
                sq[(long)j * n + i] = condensed[k++];
            }
        return sq;
    }

    /// <summary>
    /// Σ_{i&lt;j} za(i, j) · zb[perm[i], perm[j]] with four interleaved partial sums (element t goes to
    /// sum t mod 4), through pointers so that the gathered loads carry no bounds checks. Arithmetic
    /// order is fixed, so results are reproducible bit for bit. (AVX2 gathers were tried and were
    /// 25% slower on the 2-core AMD EPYC used for docs/PERFORMANCE.md.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe double Dot(double[] za, double[] zbSquare, int[] perm, int n)
    {
        if (za.Length != n * (n - 1) / 2 || zbSquare.Length != n * n || perm.Length != n)
            throw new ArgumentException("Kernel sizes do not match.");
        foreach (var q in perm)
            if ((uint)q >= (uint)n) throw new ArgumentException("Not a permutation.", nameof(perm));
        double total = 0;
        fixed (double* pa = za, sq = zbSquare)
        fixed (int* p = perm)
        {
            double* a = pa;
            for (int i = 0; i < n - 1; i++)
            {
                double* row = sq + (long)p[i] * n;
                int len = n - 1 - i;
                int* pj = p + i + 1;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int t = 0;
                for (; t + 4 <= len; t += 4)
                {
                    s0 += a[t] * row[pj[t]];
                    s1 += a[t + 1] * row[pj[t + 1]];
                    s2 += a[t + 2] * row[pj[t + 2]];
                    s3 += a[t + 3] * row[pj[t + 3]];
                }
                for (; t < len; t++) s0 += a[t] * row[pj[t]];
                total += (s0 + s1) + (s2 + s3);
                a += len;
            }
        }
        return total;
    }

    /// <summary>The same sum with bounds-checked spans (the reference for tests: must equal <see cref="Dot"/> bit for bit).</summary>
    internal static double DotScalar(double[] za, double[] zbSquare, int[] perm, int n)
    {
        double total = 0;
        int k = 0;
        for (int i = 0; i < n - 1; i++)
        {
            var row = zbSquare.AsSpan(perm[i] * n, n);
            int len = n - 1 - i;
            var a = za.AsSpan(k, len);
            var pj = perm.AsSpan(i + 1, len);
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int t = 0;
            for (; t + 4 <= len; t += 4)
            {
                s0 += a[t] * row[pj[t]];
                s1 += a[t + 1] * row[pj[t + 1]];
                s2 += a[t + 2] * row[pj[t + 2]];
                s3 += a[t + 3] * row[pj[t + 3]];
            }
            for (; t < len; t++) s0 += a[t] * row[pj[t]];
            total += (s0 + s1) + (s2 + s3);
            k += len;
        }
        return total;
    }
}
