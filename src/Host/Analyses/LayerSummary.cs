using RepLens.Rsa.Comparisons;

namespace RepLens.Host.Analyses;

/// <summary>
/// How one per-layer quantity predicts another across layers (e.g. a layer's target RSA and its brain
/// RSA): Pearson and Spearman correlations, the least-squares line, and the correlation of a quadratic
/// fit (√R²) for relations that are monotonic but not linear.
/// </summary>
internal static class LayerSummary
{
    public sealed record Result(int N, double Pearson, double Spearman, double QuadraticR, double Slope, double Intercept);

    public static Result Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var keep = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        var xs = keep.Select(i => x[i]).ToArray();
        var ys = keep.Select(i => y[i]).ToArray();
        int n = xs.Length;
        if (n < 3) return new Result(n, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double pearson = RdmComparer.Compare(xs, ys, ComparisonMethod.Pearson);
        double spearman = RdmComparer.Compare(xs, ys, ComparisonMethod.Spearman);
        double mx = xs.Average(), my = ys.Average();
        double sxx = xs.Sum(v => (v - mx) * (v - mx)), sxy = xs.Select((v, i) => (v - mx) * (ys[i] - my)).Sum();
        double slope = sxx > 0 ? sxy / sxx : double.NaN;
        double intercept = my - slope * mx;
        return new Result(n, pearson, spearman, Quadratic(xs, ys), slope, intercept);
    }

    /// <summary>√R² of y ≈ a + b x + c x² by least squares (normal equations on centred x).</summary>
    private static double Quadratic(double[] x, double[] y)
    {
        int n = x.Length;
        if (n < 4) return double.NaN;
        double mx = x.Average(), my = y.Average();
        var u = x.Select(v => v - mx).ToArray();
        // Solve [[Suu, Suuu],[Suuu, Suuuu]] [b, c] = [Suy, Suuy] with the centred quadratic term u² − mean(u²).
        double mu2 = u.Average(v => v * v);
        var w = u.Select(v => v * v - mu2).ToArray();
        double suu = u.Sum(v => v * v), suw = u.Select((v, i) => v * w[i]).Sum(), sww = w.Sum(v => v * v);
        double suy = u.Select((v, i) => v * (y[i] - my)).Sum(), swy = w.Select((v, i) => v * (y[i] - my)).Sum();
        double det = suu * sww - suw * suw;
        if (Math.Abs(det) < 1e-300) return double.NaN;
        double b = (suy * sww - suw * swy) / det, c = (suu * swy - suw * suy) / det;
        double ssTot = y.Sum(v => (v - my) * (v - my));
        if (ssTot <= 0) return double.NaN;
        double ssRes = 0;
        for (int i = 0; i < n; i++)
        {
            double e = y[i] - (my + b * u[i] + c * w[i]);
            ssRes += e * e;
        }
        return Math.Sqrt(Math.Max(0, 1 - ssRes / ssTot));
    }
}
