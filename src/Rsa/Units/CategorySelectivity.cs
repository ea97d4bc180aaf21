namespace RepLens.Rsa.Units;

/// <summary>
/// The Category Selectivity Index of each unit, CSI = (μ_pref − μ_rest) / (μ_pref + μ_rest), on
/// rectified responses (compute the summaries with <c>rectify: true</c>), as in studies of
/// category-selective units in deep networks. It lies in [−1, 1] for non-negative means and is
/// undefined (NaN) where μ_pref + μ_rest = 0, i.e. the unit never responds to either set.
/// </summary>
public static class CategorySelectivity
{
    /// <summary>CSI per unit.</summary>
    /// <param name="preferred">Summary of the preferred category (rectified responses).</param>
    /// <param name="rest">Summary of all other categories pooled (rectified responses).</param>
    /// <returns>U values; NaN where undefined.</returns>
    public static double[] Index(UnitGroupSummary preferred, UnitGroupSummary rest)
    {
        ArgumentNullException.ThrowIfNull(preferred);
        ArgumentNullException.ThrowIfNull(rest);
        if (preferred.Units != rest.Units) throw new ArgumentException($"Summaries over {preferred.Units} and {rest.Units} units.");
        var csi = new double[preferred.Units];
        for (int u = 0; u < csi.Length; u++)
        {
            double p = preferred.Mean[u], r = rest.Mean[u];
            double sum = p + r;
            csi[u] = sum == 0 ? double.NaN : (p - r) / sum;
        }
        return csi;
    }
}
