using MathNet.Numerics.Distributions;
using RepLens.Abstractions;
using RepLens.Rsa.Inference;

namespace RepLens.Rsa.Units;

/// <summary>
/// The functional localizer of category-selective units (Kanwisher, McDermott &amp; Chun 1997,
/// doi:10.1523/JNEUROSCI.17-11-04302.1997, applied to deep networks as in Lu &amp; Wang 2025,
/// "Category-Selective Neurons in Deep Networks", arXiv:2502.16456): for each unit of a layer and
/// each category, one-sided two-sample t-tests of that category against every other category; a
/// unit is selective for a category when every test passes after a correction across units.
/// </summary>
/// <remarks>
/// <para>
/// Hypotheses and family. For category c and unit u the null hypothesis is "u is not selective for
/// c": μ_c ≤ μ_d for at least one other category d. It is tested with the intersection–union test
/// (Berger 1982, doi:10.1080/00401706.1982.10487790): p_max(u, c) = max over d of the one-sided p of
/// μ_c &gt; μ_d, a valid p-value for that null with no correction across the K − 1 comparisons, and
/// p_max ≤ t exactly when every comparison passes at t. The correction then runs over the tested
/// units of the layer, separately for each category: m = U minus the units constant over every
/// stimulus. Its discoveries are the selective units themselves, so the stated rate (FDR for
/// Benjamini–Hochberg / –Yekutieli, FWER for Bonferroni) is that of falsely declared selective units
/// per layer and category. BY holds under any dependence between units (neighbouring units of a
/// feature map are strongly dependent), hence the default.
/// </para>
/// <para>
/// Only the preferred category can pass. A unit's t against the category with the highest mean is
/// ≤ 0 for every other category, so its p_max(u, c) ≥ 0.5 &gt; α for every c but the preferred one: such
/// hypotheses count in m but are never rejected and cannot change the step-up threshold. The tests are
/// therefore run for the preferred category only, K − 1 per unit, which is what makes a layer of
/// 800,000 units cheap; a unit is selective for at most one category.
/// </para>
/// <para>
/// Degenerate comparisons (rounding-level variance): both groups constant and equal → t undefined,
/// p = 1; both constant and different → t = ±∞, p = 0 or 1. A unit constant over every stimulus is
/// untestable and leaves the family.
/// </para>
/// </remarks>
public static class UnitSelectivity
{
    /// <summary>Relative tolerance under which a group's spread or two means count as rounding.</summary>
    private const double RoundingTolerance = 8 * 2.220446049250313e-16; // 8 ulps of 1

    /// <summary>
    /// Runs the localizer on an (N × U) response matrix: one streaming pass for the per-category
    /// statistics (raw and rectified), then the tests.
    /// </summary>
    /// <param name="responses">(N × U) responses: stimuli × units (a layer's flattened activations).</param>
    /// <param name="groupOfRow">For each row, its category 0 … groupCount − 1, or −1 to leave it out.</param>
    /// <param name="groupCount">K ≥ 2 categories, each with at least 2 rows.</param>
    /// <param name="options">Test, correction, level; defaults if null.</param>
    /// <param name="memoryBudgetBytes">Bytes for the streaming pass's block buffers.</param>
    /// <exception cref="ArgumentException">Fewer than 2 categories, or a category with fewer than 2 rows.</exception>
    public static UnitSelectivityResult Compute(IFeatureMatrix responses, IReadOnlyList<int> groupOfRow, int groupCount,
        SelectivityOptions? options = null, long memoryBudgetBytes = 256L << 20)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(groupOfRow);
        options ??= new SelectivityOptions();
        options.Validate();
        var counts = new int[Math.Max(groupCount, 0)];
        foreach (var g in groupOfRow)
            if (g >= 0 && g < groupCount) counts[g]++;
        CheckGroups(counts);
        var statistics = UnitGroupStatistics.Compute(responses, groupOfRow, groupCount, memoryBudgetBytes: memoryBudgetBytes, rectifiedMeans: true);
        return Test(statistics, options);
    }

    /// <summary>Runs the tests on per-category statistics computed with <c>rectifiedMeans: true</c>.</summary>
    /// <param name="statistics">Per-group statistics of the layer (K ≥ 2 groups of ≥ 2 stimuli).</param>
    /// <param name="options">Test, correction, level; defaults if null.</param>
    /// <exception cref="ArgumentException">Too few groups or stimuli, or no rectified means.</exception>
    public static UnitSelectivityResult Test(UnitGroupStatistics statistics, SelectivityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        options ??= new SelectivityOptions();
        options.Validate();
        int k = statistics.GroupCount;
        var groups = Enumerable.Range(0, k).Select(g => statistics[g]).ToArray();
        CheckGroups(groups.Select(g => g.Count).ToArray());
        if (groups.Any(g => g.RectifiedMean is null))
            throw new ArgumentException("The statistics have no rectified means (needed for the CSI); compute them with rectifiedMeans: true.", nameof(statistics));
        int units = (int)statistics.Units;

        var preferred = new int[units];
        var tMin = new double[units];
        var pMax = new double[units];
        var csi = new double[units];
        int constant = 0, screened = 0;
        double zCritical = Normal.InvCDF(0, 1, 1 - options.Alpha) - 1e-9;
        const int chunk = 4096;
        Parallel.For(0, (units + chunk - 1) / chunk, () => (Constant: 0, Screened: 0, T: new double[k], Nu: new double[k]), (ci, _, local) =>
        {
            int end = Math.Min(units, (ci + 1) * chunk);
            for (int u = ci * chunk; u < end; u++)
            {
                switch (TestUnit(groups, u, options, zCritical, local.T, local.Nu, out preferred[u], out tMin[u], out pMax[u], out csi[u]))
                {
                    case UnitOutcome.Constant: local.Constant++; break;
                    case UnitOutcome.Screened: local.Screened++; break;
                }
            }
            return local;
        }, local =>
        {
            Interlocked.Add(ref constant, local.Constant);
            Interlocked.Add(ref screened, local.Screened);
        });

        int tested = units - constant;
        var selectiveFor = new int[units];
        Array.Fill(selectiveFor, -1);
        var summaries = new GroupSelectivity[k];
        for (int g = 0; g < k; g++)
        {
            double threshold = Select(g, preferred, pMax, tested, options, selectiveFor);
            int selective = 0, undefined = 0, zeroVariance = 0;
            double csiSum = 0;
            for (int u = 0; u < units; u++)
            {
                if (IsConstant(groups[g].SumOfSquares[u], groups[g].Count, groups[g].Mean[u])) zeroVariance++;
                if (selectiveFor[u] != g) continue;
                selective++;
                if (double.IsFinite(csi[u])) csiSum += csi[u];
                else undefined++;
            }
            int defined = selective - undefined;
            summaries[g] = new GroupSelectivity(g, groups[g].Count, units, tested, selective, threshold,
                defined > 0 ? csiSum / defined : double.NaN, undefined, zeroVariance);
        }
        return new UnitSelectivityResult(options, summaries, preferred, tMin, pMax, csi, selectiveFor, constant, screened);
    }

    private enum UnitOutcome { Tested, Constant, Screened }

    private static UnitOutcome TestUnit(UnitGroupSummary[] groups, int u, SelectivityOptions options, double zCritical,
        double[] t, double[] nu, out int preferred, out double tMin, out double pMax, out double csi)
    {
        int k = groups.Length;
        int best = 0;
        bool constant = true;
        for (int g = 0; g < k; g++)
        {
            if (groups[g].Mean[u] > groups[best].Mean[u]) best = g;
            if (constant && (!IsConstant(groups[g].SumOfSquares[u], groups[g].Count, groups[g].Mean[u])
                || !NearlyEqual(groups[g].Mean[u], groups[0].Mean[u]))) constant = false;
        }
        if (constant)
        {
            (preferred, tMin, pMax, csi) = (-1, double.NaN, double.NaN, double.NaN);
            return UnitOutcome.Constant;
        }
        preferred = best;
        var a = groups[best];
        tMin = double.PositiveInfinity;
        bool undefined = false;
        for (int d = 0; d < k; d++)
        {
            if (d == best) continue;
            (t[d], nu[d]) = Statistic(a, groups[d], u, options.Variance);
            if (double.IsNaN(t[d])) undefined = true;
            else tMin = Math.Min(tMin, t[d]);
        }
        csi = Csi(groups, best, u);
        if (undefined)
        {
            tMin = double.NaN;
            pMax = 1;
            return UnitOutcome.Tested;
        }
        if (!options.ExactPValues && tMin < zCritical)
        {
            pMax = double.NaN;
            return UnitOutcome.Screened;
        }
        pMax = 0;
        for (int d = 0; d < k; d++)
        {
            if (d == best) continue;
            double p = double.IsPositiveInfinity(t[d]) ? 0 : UnitTTest.PValue(t[d], nu[d], TTestAlternative.Greater);
            pMax = Math.Max(pMax, p);
        }
        return UnitOutcome.Tested;
    }

    /// <summary>t of A &gt; B and its degrees of freedom, as <see cref="UnitTTest.Compare"/> computes them, with rounding-level spread taken as zero.</summary>
    private static (double T, double Nu) Statistic(UnitGroupSummary a, UnitGroupSummary b, int u, TTestVariance variance)
    {
        double na = a.Count, nb = b.Count;
        double ssa = a.SumOfSquares[u], ssb = b.SumOfSquares[u];
        double d = a.Mean[u] - b.Mean[u];
        if (IsConstant(ssa, a.Count, a.Mean[u]) && IsConstant(ssb, b.Count, b.Mean[u]))
        {
            double t = NearlyEqual(a.Mean[u], b.Mean[u]) ? double.NaN : d > 0 ? double.PositiveInfinity : double.NegativeInfinity;
            return (t, variance == TTestVariance.Student ? na + nb - 2 : double.NaN);
        }
        double se, nu;
        if (variance == TTestVariance.Student)
        {
            nu = na + nb - 2;
            double pooled = (ssa + ssb) / nu;
            se = Math.Sqrt(pooled * (1 / na + 1 / nb));
        }
        else
        {
            double qa = ssa / (na - 1) / na, qb = ssb / (nb - 1) / nb;
            se = Math.Sqrt(qa + qb);
            nu = (qa + qb) * (qa + qb) / (qa * qa / (na - 1) + qb * qb / (nb - 1));
        }
        return (d / se, nu);
    }

    private static double Csi(UnitGroupSummary[] groups, int preferred, int u)
    {
        double rest = 0;
        long n = 0;
        for (int g = 0; g < groups.Length; g++)
        {
            if (g == preferred) continue;
            rest += groups[g].Count * groups[g].RectifiedMean![u];
            n += groups[g].Count;
        }
        rest /= n;
        double pref = groups[preferred].RectifiedMean![u];
        double sum = pref + rest;
        return sum == 0 ? double.NaN : (pref - rest) / sum;
    }

    /// <summary>
    /// Marks the units selective for <paramref name="group"/> and returns the largest selected p_max.
    /// Same arithmetic as <see cref="FalseDiscovery"/> over the family of <paramref name="tested"/>
    /// hypotheses, applied to the p-values that can be rejected (those ≤ α: every other member of the
    /// family has p &gt; α, which keeps it out of the rejections and out of the step-up threshold).
    /// </summary>
    private static double Select(int group, int[] preferred, double[] pMax, int tested, SelectivityOptions options, int[] selectiveFor)
    {
        var candidates = new List<(double P, int Unit)>();
        for (int u = 0; u < preferred.Length; u++)
            if (preferred[u] == group && pMax[u] <= options.Alpha) candidates.Add((pMax[u], u));
        if (candidates.Count == 0) return double.NaN;
        int m = tested;
        int last = -1;
        switch (options.Correction)
        {
            case MultipleComparisonCorrection.None:
                last = candidates.Count - 1;
                candidates.Sort();
                break;
            case MultipleComparisonCorrection.Bonferroni:
                candidates.RemoveAll(c => Math.Min(1, c.P * m) > options.Alpha);
                candidates.Sort();
                last = candidates.Count - 1;
                break;
            case MultipleComparisonCorrection.BenjaminiHochberg:
            case MultipleComparisonCorrection.BenjaminiYekutieli:
                candidates.Sort();
                double c = 1;
                if (options.Correction == MultipleComparisonCorrection.BenjaminiYekutieli)
                {
                    c = 0;
                    for (int i = 1; i <= m; i++) c += 1.0 / i;
                }
                for (int j = candidates.Count - 1; j >= 0; j--)
                {
                    if (candidates[j].P * m * c / (j + 1) <= options.Alpha)
                    {
                        last = j;
                        break;
                    }
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Correction, "Unknown correction.");
        }
        if (last < 0) return double.NaN;
        for (int j = 0; j <= last; j++) selectiveFor[candidates[j].Unit] = group;
        return candidates[last].P;
    }

    private static bool IsConstant(double sumOfSquares, int count, double mean)
    {
        double scale = RoundingTolerance * Math.Abs(mean);
        return sumOfSquares <= count * scale * scale;
    }

    private static bool NearlyEqual(double a, double b) =>
        Math.Abs(a - b) <= RoundingTolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    private static void CheckGroups(int[] counts)
    {
        if (counts.Length < 2)
            throw new ArgumentException($"The localizer compares categories with each other: at least 2 are needed, found {counts.Length}.");
        for (int g = 0; g < counts.Length; g++)
            if (counts[g] < 2)
                throw new ArgumentException($"Group {g} has {counts[g]} stimul{(counts[g] == 1 ? "us" : "i")}; a two-sample t-test needs at least 2 per group.");
    }
}
