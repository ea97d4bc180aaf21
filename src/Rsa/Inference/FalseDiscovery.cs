namespace RepLens.Rsa.Inference;

/// <summary>
/// Corrections for multiple comparisons (across layers, units, ROIs). NaN p-values (untestable
/// hypotheses) are left out: they do not count in m, stay NaN and are never rejected.
/// </summary>
public static class FalseDiscovery
{
    /// <summary>
    /// Benjamini–Hochberg step-up procedure, controlling the false discovery rate under independence
    /// or positive dependence: q_(i) = min_{j ≥ i} min(1, m p_(j) / j). Benjamini &amp; Hochberg (1995),
    /// JRSS B 57(1), 289–300, doi:10.1111/j.2517-6161.1995.tb02031.x.
    /// </summary>
    /// <param name="p">p-values in [0, 1] (NaN allowed).</param>
    /// <param name="alpha">FDR level; default 0.05.</param>
    public static CorrectionResult BenjaminiHochberg(ReadOnlySpan<double> p, double alpha = 0.05) =>
        StepUp(p, alpha, dependenceFactor: false, "benjamini-hochberg");

    /// <summary>
    /// Benjamini–Yekutieli step-up procedure, controlling the false discovery rate under any
    /// dependence: as Benjamini–Hochberg with m replaced by m·Σ_{i=1..m} 1/i. The default of the
    /// category-selectivity analysis. Benjamini &amp; Yekutieli (2001), Ann. Statist. 29(4), 1165–1188,
    /// doi:10.1214/aos/1013699998.
    /// </summary>
    /// <param name="p">p-values in [0, 1] (NaN allowed).</param>
    /// <param name="alpha">FDR level; default 0.05.</param>
    public static CorrectionResult BenjaminiYekutieli(ReadOnlySpan<double> p, double alpha = 0.05) =>
        StepUp(p, alpha, dependenceFactor: true, "benjamini-yekutieli");

    /// <summary>Applies <paramref name="method"/> (the one place that maps the enum to a procedure).</summary>
    /// <param name="p">p-values in [0, 1] (NaN allowed).</param>
    /// <param name="method">Which correction.</param>
    /// <param name="alpha">The level used for <see cref="CorrectionResult.Rejected"/>.</param>
    public static CorrectionResult Correct(ReadOnlySpan<double> p, MultipleComparisonCorrection method, double alpha = 0.05) => method switch
    {
        MultipleComparisonCorrection.BenjaminiHochberg => BenjaminiHochberg(p, alpha),
        MultipleComparisonCorrection.BenjaminiYekutieli => BenjaminiYekutieli(p, alpha),
        MultipleComparisonCorrection.Bonferroni => Bonferroni(p, alpha),
        MultipleComparisonCorrection.None => Uncorrected(p, alpha),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown correction."),
    };

    private static CorrectionResult Uncorrected(ReadOnlySpan<double> p, double alpha)
    {
        Check(p, alpha);
        var adjusted = p.ToArray();
        return new CorrectionResult(adjusted, adjusted.Select(x => x <= alpha).ToArray(), alpha, "none");
    }

    /// <summary>Bonferroni correction (controls the family-wise error rate): min(1, m p).</summary>
    /// <param name="p">p-values in [0, 1] (NaN allowed).</param>
    /// <param name="alpha">Family-wise level; default 0.05.</param>
    public static CorrectionResult Bonferroni(ReadOnlySpan<double> p, double alpha = 0.05)
    {
        Check(p, alpha);
        int m = CountTestable(p);
        var adjusted = new double[p.Length];
        var rejected = new bool[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            adjusted[i] = double.IsNaN(p[i]) ? double.NaN : Math.Min(1, p[i] * m);
            rejected[i] = adjusted[i] <= alpha;
        }
        return new CorrectionResult(adjusted, rejected, alpha, "bonferroni");
    }

    private static CorrectionResult StepUp(ReadOnlySpan<double> p, double alpha, bool dependenceFactor, string name)
    {
        Check(p, alpha);
        int m = CountTestable(p);
        var order = new int[m];
        var sorted = new double[m];
        for (int i = 0, k = 0; i < p.Length; i++)
        {
            if (double.IsNaN(p[i])) continue;
            order[k] = i;
            sorted[k++] = p[i];
        }
        Array.Sort(sorted, order); // ties keep no particular order; their adjusted values are equal anyway
        double c = 1;
        if (dependenceFactor)
        {
            c = 0;
            for (int i = 1; i <= m; i++) c += 1.0 / i;
        }
        var adjusted = new double[p.Length];
        Array.Fill(adjusted, double.NaN);
        double running = 1;
        for (int k = m - 1; k >= 0; k--)
        {
            running = Math.Min(running, sorted[k] * m * c / (k + 1));
            adjusted[order[k]] = running;
        }
        var rejected = new bool[p.Length];
        for (int i = 0; i < p.Length; i++) rejected[i] = adjusted[i] <= alpha;
        return new CorrectionResult(adjusted, rejected, alpha, name);
    }

    private static int CountTestable(ReadOnlySpan<double> p)
    {
        int m = 0;
        foreach (var v in p) if (!double.IsNaN(v)) m++;
        return m;
    }

    private static void Check(ReadOnlySpan<double> p, double alpha)
    {
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The level must lie in (0, 1).");
        for (int i = 0; i < p.Length; i++)
            if (p[i] < 0 || p[i] > 1)
                throw new ArgumentException($"p-value {i} is {p[i]}; p-values lie in [0, 1].", nameof(p));
    }
}
