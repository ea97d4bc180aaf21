using MathNet.Numerics;
using RepLens.Abstractions;

namespace RepLens.Rsa.Units;

/// <summary>
/// Vectorised two-sample t-tests, one per unit (column), group A against group B — the functional
/// localizer of category-selective units. Results agree with <c>scipy.stats.ttest_ind</c> (Welch or
/// Student, any alternative) to about 1e-12. p-values come from the regularised incomplete beta
/// function, P(|T| &gt; |t|) = I_{ν/(ν+t²)}(ν/2, 1/2), so that small tail probabilities keep their
/// relative accuracy.
/// </summary>
public static class UnitTTest
{
    /// <summary>Tests every unit of two group summaries.</summary>
    /// <param name="a">Group A (e.g. the preferred category), n_A ≥ 2.</param>
    /// <param name="b">Group B (e.g. another category, or all others pooled), n_B ≥ 2.</param>
    /// <param name="variance">Welch (default in the localizer) or Student.</param>
    /// <param name="alternative">Two-sided, or one-sided greater/less (A relative to B).</param>
    /// <exception cref="ArgumentException">A group has fewer than 2 stimuli or the unit counts differ.</exception>
    public static UnitTTestResult Compare(UnitGroupSummary a, UnitGroupSummary b, TTestVariance variance, TTestAlternative alternative)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Units != b.Units) throw new ArgumentException($"Group summaries over {a.Units} and {b.Units} units cannot be compared.");
        if (a.Count < 2 || b.Count < 2)
            throw new ArgumentException($"A two-sample t-test needs at least 2 stimuli per group; got {a.Count} and {b.Count}.");
        int units = a.Units;
        double na = a.Count, nb = b.Count;
        var t = new double[units];
        var df = new double[units];
        var p = new double[units];
        var diff = new double[units];
        for (int u = 0; u < units; u++)
        {
            double va = a.SumOfSquares[u] / (na - 1), vb = b.SumOfSquares[u] / (nb - 1);
            double d = a.Mean[u] - b.Mean[u];
            double se, nu;
            if (variance == TTestVariance.Student)
            {
                nu = na + nb - 2;
                double pooled = (a.SumOfSquares[u] + b.SumOfSquares[u]) / nu;
                se = Math.Sqrt(pooled * (1 / na + 1 / nb));
            }
            else
            {
                double qa = va / na, qb = vb / nb;
                se = Math.Sqrt(qa + qb);
                nu = (qa + qb) * (qa + qb) / (qa * qa / (na - 1) + qb * qb / (nb - 1));
            }
            diff[u] = d;
            df[u] = nu;
            t[u] = se > 0 ? d / se : d == 0 ? double.NaN : d > 0 ? double.PositiveInfinity : double.NegativeInfinity;
            p[u] = PValue(t[u], nu, alternative);
        }
        return new UnitTTestResult(t, df, p, diff, variance, alternative);
    }

    /// <summary>
    /// Tests every column of <paramref name="responses"/>, rows in <paramref name="inA"/> against rows
    /// in <paramref name="inB"/> (rows in neither are ignored), in one streaming pass.
    /// </summary>
    /// <param name="responses">(N × U) responses.</param>
    /// <param name="inA">N flags: row belongs to group A.</param>
    /// <param name="inB">N flags: row belongs to group B (disjoint from A).</param>
    /// <param name="variance">Welch or Student.</param>
    /// <param name="alternative">The alternative.</param>
    public static UnitTTestResult Run(IFeatureMatrix responses, IReadOnlyList<bool> inA, IReadOnlyList<bool> inB,
        TTestVariance variance, TTestAlternative alternative)
    {
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(inA);
        ArgumentNullException.ThrowIfNull(inB);
        if (inA.Count != responses.Rows || inB.Count != responses.Rows)
            throw new ArgumentException($"Group flags ({inA.Count}, {inB.Count}) must have one entry per row ({responses.Rows}).");
        var labels = new int[responses.Rows];
        for (int r = 0; r < labels.Length; r++)
        {
            if (inA[r] && inB[r]) throw new ArgumentException($"Row {r} is in both groups.");
            labels[r] = inA[r] ? 0 : inB[r] ? 1 : -1;
        }
        var stats = UnitGroupStatistics.Compute(responses, labels, 2);
        return Compare(stats[0], stats[1], variance, alternative);
    }

    /// <summary>p-value of t with ν degrees of freedom under <paramref name="alternative"/>.</summary>
    /// <param name="t">The statistic.</param>
    /// <param name="degreesOfFreedom">ν &gt; 0.</param>
    /// <param name="alternative">The alternative.</param>
    public static double PValue(double t, double degreesOfFreedom, TTestAlternative alternative)
    {
        if (double.IsNaN(t) || !(degreesOfFreedom > 0)) return double.NaN;
        // tail = P(T > |t|)
        double tail = double.IsInfinity(t) ? 0 : 0.5 * SpecialFunctions.BetaRegularized(degreesOfFreedom / 2, 0.5, degreesOfFreedom / (degreesOfFreedom + t * t));
        return alternative switch
        {
            TTestAlternative.TwoSided => Math.Min(1, 2 * tail),
            TTestAlternative.Greater => t > 0 ? tail : 1 - tail,
            TTestAlternative.Less => t < 0 ? tail : 1 - tail,
            _ => throw new ArgumentOutOfRangeException(nameof(alternative), alternative, "Unknown alternative."),
        };
    }
}
