namespace RepLens.Rsa.Units;

/// <summary>
/// Per-unit summary of one group of stimuli (or a union of groups): the number of stimuli, and for
/// each of U units the mean and the sum of squared deviations from it.
/// </summary>
/// <param name="Count">n, the number of stimuli in the group.</param>
/// <param name="Mean">U means.</param>
/// <param name="SumOfSquares">U sums of squared deviations from the mean (M2; variance = M2 / (n − 1)).</param>
public sealed record UnitGroupSummary(int Count, double[] Mean, double[] SumOfSquares)
{
    /// <summary>U, the number of units.</summary>
    public int Units => Mean.Length;

    /// <summary>
    /// U means of the rectified responses max(x, 0), when they were asked for
    /// (<see cref="UnitGroupStatistics.Compute"/> with <c>rectifiedMeans: true</c>); otherwise null.
    /// The Category Selectivity Index is defined on them.
    /// </summary>
    public double[]? RectifiedMean { get; init; }

    /// <summary>Unbiased variance of unit <paramref name="unit"/> (n − 1 denominator); NaN for n &lt; 2.</summary>
    /// <param name="unit">The unit.</param>
    public double Variance(int unit) => Count < 2 ? double.NaN : SumOfSquares[unit] / (Count - 1);

    /// <summary>
    /// Pools several groups into one (e.g. "every other category"): counts add, means are weighted,
    /// and M2 = Σ (M2_g + n_g (μ_g − μ)²) — exact, no second pass over the data (Chan, Golub &amp;
    /// LeVeque 1983, doi:10.1080/00031305.1983.10483115).
    /// </summary>
    /// <param name="groups">Summaries over the same units.</param>
    public static UnitGroupSummary Pool(IReadOnlyList<UnitGroupSummary> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0) throw new ArgumentException("Nothing to pool.", nameof(groups));
        int units = groups[0].Units;
        foreach (var g in groups)
            if (g.Units != units) throw new ArgumentException($"Cannot pool summaries over {units} and {g.Units} units.", nameof(groups));
        int n = groups.Sum(g => g.Count);
        var mean = new double[units];
        var m2 = new double[units];
        double[]? rectified = groups.All(g => g.RectifiedMean is not null) ? new double[units] : null;
        if (n == 0) return new UnitGroupSummary(0, mean, m2) { RectifiedMean = rectified };
        foreach (var g in groups)
        {
            for (int u = 0; u < units; u++) mean[u] += g.Count * g.Mean[u];
            if (rectified is not null)
                for (int u = 0; u < units; u++) rectified[u] += g.Count * g.RectifiedMean![u];
        }
        for (int u = 0; u < units; u++) mean[u] /= n;
        if (rectified is not null)
            for (int u = 0; u < units; u++) rectified[u] /= n;
        foreach (var g in groups)
        {
            if (g.Count == 0) continue;
            for (int u = 0; u < units; u++)
            {
                double d = g.Mean[u] - mean[u];
                m2[u] += g.SumOfSquares[u] + g.Count * d * d;
            }
        }
        return new UnitGroupSummary(n, mean, m2) { RectifiedMean = rectified };
    }
}
