using RepLens.Abstractions;
using RepLens.Rsa.Comparisons;

namespace RepLens.Rsa.Inference;

/// <summary>
/// Bootstrap over stimuli: N stimuli are drawn with replacement, each RDM is restricted to the pairs
/// of drawn stimuli (pairs of a stimulus with itself, which arise from repeated draws, are dropped;
/// other repeated pairs are kept), the statistic is recomputed, and a percentile confidence interval
/// is read off the bootstrap distribution. The generic form resamples the SAME stimuli in several
/// RDMs at once, for statistics of several comparisons such as
/// ΔRSA = ρ(RDM_condition, RDM_target) − ρ(RDM_baseline, RDM_target).
/// Nili et al. (2014), doi:10.1371/journal.pcbi.1003553; Efron &amp; Tibshirani (1993), An
/// Introduction to the Bootstrap, ch. 13 (percentile interval).
/// </summary>
/// <remarks>
/// Sample b draws from its own stream of <see cref="SeededRandom"/>, and samples run in parallel,
/// so the result is identical for a seed whatever the number of threads. The interval uses linear
/// interpolation between order statistics (NumPy's default percentile).
/// </remarks>
public static class StimulusBootstrap
{
    /// <summary>
    /// Bootstraps <paramref name="statistic"/> over the stimuli shared by <paramref name="rdms"/>.
    /// The RDMs must have the same N; their rows correspond by position (ids are not checked, so
    /// that a condition RDM over edited images can be paired with a baseline RDM: use
    /// <see cref="RdmComparer.Align"/> first when they are over the same ids).
    /// </summary>
    /// <param name="rdms">One or more RDMs over N stimuli, N ≥ 3.</param>
    /// <param name="statistic">
    /// Computes the statistic from the resampled condensed vectors (same order as
    /// <paramref name="rdms"/>, same length). Called concurrently: it must not keep state.
    /// </param>
    /// <param name="samples">Number of bootstrap samples, ≥ 2.</param>
    /// <param name="seed">Seed; the same seed gives the same result.</param>
    /// <param name="confidence">Coverage of the interval, in (0, 1); default 0.95.</param>
    /// <param name="maxDegreeOfParallelism">Threads; −1 (default) for all cores.</param>
    public static BootstrapResult Run(IReadOnlyList<Rdm> rdms, Func<IReadOnlyList<double[]>, double> statistic,
        int samples, ulong seed, double confidence = 0.95, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(rdms);
        ArgumentNullException.ThrowIfNull(statistic);
        if (rdms.Count == 0) throw new ArgumentException("At least one RDM is needed.", nameof(rdms));
        int n = rdms[0].Count;
        foreach (var r in rdms)
            if (r.Count != n) throw new ArgumentException($"All RDMs must be over the same number of stimuli; got {n} ({rdms[0].Metric}) and {r.Count} ({r.Metric}).", nameof(rdms));
        if (n < 3) throw new ArgumentException($"A bootstrap over stimuli needs at least 3 stimuli; got {n}.", nameof(rdms));
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 2);
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Confidence must lie in (0, 1).");

        double estimate = statistic(rdms.Select(r => r.CondensedArray).ToArray());
        var values = new double[samples];
        Parallel.For(0, samples, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, b =>
        {
            var rng = SeededRandom.ForStream(seed, (ulong)b);
            var drawn = new int[n];
            for (int i = 0; i < n; i++) drawn[i] = rng.NextInt(n);
            var pairs = PairIndices(drawn, n);
            var resampled = new double[rdms.Count][];
            for (int r = 0; r < rdms.Count; r++)
            {
                var src = rdms[r].CondensedArray;
                var dst = new double[pairs.Length];
                for (int k = 0; k < pairs.Length; k++) dst[k] = src[pairs[k]];
                resampled[r] = dst;
            }
            values[b] = statistic(resampled);
        });

        var finite = values.Where(v => !double.IsNaN(v)).OrderBy(v => v).ToArray();
        double alpha = (1 - confidence) / 2;
        double lower = Percentile(finite, alpha), upper = Percentile(finite, 1 - alpha);
        double se = double.NaN;
        if (finite.Length > 1)
        {
            double mean = finite.Average();
            se = Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1));
        }
        return new BootstrapResult(estimate, lower, upper, confidence, se, values, samples - finite.Length, seed);
    }

    /// <summary>Bootstrap confidence interval of the comparison of two RDMs over the same stimuli (aligned by id).</summary>
    /// <param name="a">First RDM.</param>
    /// <param name="b">Second RDM (reordered to <paramref name="a"/>'s ids).</param>
    /// <param name="method">The comparison.</param>
    /// <param name="samples">Number of bootstrap samples.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="confidence">Coverage, default 0.95.</param>
    public static BootstrapResult Compare(Rdm a, Rdm b, ComparisonMethod method, int samples, ulong seed, double confidence = 0.95) =>
        Run([a, RdmComparer.Align(a, b)], v => RdmComparer.Compare(v[0], v[1], method), samples, seed, confidence);

    /// <summary>
    /// Bootstrap confidence interval of ΔRSA = cmp(condition, target) − cmp(baseline, target), the
    /// same stimuli being drawn for all three RDMs (rows correspond by position).
    /// </summary>
    /// <param name="condition">RDM of the condition (e.g. a layer on the edited images).</param>
    /// <param name="baseline">RDM of the baseline (the layer on the original images).</param>
    /// <param name="target">The target RDM (e.g. saliency or semantics of the baseline images).</param>
    /// <param name="method">The comparison.</param>
    /// <param name="samples">Number of bootstrap samples.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="confidence">Coverage, default 0.95.</param>
    public static BootstrapResult CompareDifference(Rdm condition, Rdm baseline, Rdm target, ComparisonMethod method,
        int samples, ulong seed, double confidence = 0.95) =>
        Run([condition, baseline, target],
            v => RdmComparer.Compare(v[0], v[2], method) - RdmComparer.Compare(v[1], v[2], method),
            samples, seed, confidence);

    /// <summary>Condensed indices of the pairs (a &lt; b) of drawn stimuli, pairs of a stimulus with itself left out.</summary>
    internal static int[] PairIndices(int[] drawn, int n)
    {
        var list = new List<int>(drawn.Length * (drawn.Length - 1) / 2);
        for (int a = 0; a < drawn.Length; a++)
            for (int b = a + 1; b < drawn.Length; b++)
                if (drawn[a] != drawn[b]) list.Add((int)Rdm.CondensedIndex(n, drawn[a], drawn[b]));
        return list.ToArray();
    }

    /// <summary>Linear-interpolated percentile of sorted values (NumPy's default); NaN if empty.</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0) return double.NaN;
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
